//! A random change of the people and meetings of a model, shared by the what-if tests
//! (`whatif.rs`) and the what-if timing (`core/examples/whatif_speed.rs`, which includes this
//! file by path): the same kinds of edit in both. `super::Rng` is the includer's generator.

use std::collections::BTreeSet;

use tiaokuai::Model;

use super::Rng;

/// One random change of the people and meetings of `model` into `cs` (a person added with a
/// post, a post removed, ended or moved to another unit, a person removed with their links,
/// their dates changed, a meeting added or removed), each person and meeting changed once per
/// set (`used`; new ids end in `tag`), or `None` when the dice chose something that does not
/// fit. With `years_may_move`, an added meeting is sometimes years before any (M001 of every
/// community then reads another first year); without, it falls on the day of another.
pub fn people_change(
    model: &Model,
    cs: &mut tiaokuai::change::ChangeSet,
    rng: &mut Rng,
    tag: &str,
    used: &mut BTreeSet<String>,
    years_may_move: bool,
) -> Option<()> {
    use tiaokuai::change::{Field, LinkAddress, Update, Value as V};
    use tiaokuai::{Band, Holding, LinkKind, LinkSpec, MeetingKind, MeetingSpec, PersonSpec, Post};
    let units: Vec<tiaokuai::Node> = model.units().map(|(u, _)| u).collect();
    let people: Vec<tiaokuai::Node> = model.people().map(|(p, _)| p).collect();
    let places: Vec<tiaokuai::Node> = model
        .territories()
        .filter(|(_, t)| matches!(t.kind.to_string().as_str(), "community" | "village" | "grid"))
        .map(|(t, _)| t)
        .collect();
    let projects: Vec<tiaokuai::Node> =
        model.items().filter(|(_, i)| i.list.to_string() == "project").map(|(p, _)| p).collect();
    let pick = |rng: &mut Rng, xs: &[tiaokuai::Node]| xs.get(rng.below(xs.len())).copied();
    let id = |n: tiaokuai::Node| model.id(n).to_string();
    let posts = [Post::CommunityWorker, Post::Secretary, Post::Director, Post::Head, Post::CommitteeMember];
    // A person's post whose address names it alone.
    let post_of = |rng: &mut Rng, used: &mut BTreeSet<String>| {
        let p = pick(rng, &people)?;
        let links: Vec<_> = model.all_links_from(p).filter(|(_, l)| l.kind == LinkKind::Holds).collect();
        let (lid, l) = *links.get(rng.below(links.len()))?;
        let alone = links.iter().filter(|(_, m)| m.to == l.to).count() == 1;
        (alone && used.insert(id(p))).then_some((p, lid, l.to))
    };
    match rng.below(8) {
        0 => {
            let pid = format!("new-person-{tag}");
            let holding = Holding::new(posts[rng.below(posts.len())])
                .band([Band::Chief, Band::Deputy, Band::Other][rng.below(3)])
                .grade(1 + rng.below(18) as u8);
            cs.add.people.push(PersonSpec::new(&pid));
            cs.add.links.push(LinkSpec::new(&pid, id(pick(rng, &units)?), LinkKind::Holds).holding(holding));
        }
        1 => {
            let (p, _, u) = post_of(rng, used)?;
            cs.remove_link(LinkAddress::new(id(p), id(u), LinkKind::Holds));
        }
        2 => {
            // A post ended (on a day after it began).
            let (p, lid, u) = post_of(rng, used)?;
            let on: tiaokuai::Date = "2021-03-31".parse().ok()?;
            if model.link(lid).validity.since.is_some_and(|s| s.last_day() >= on) {
                return None;
            }
            cs.end_link(LinkAddress::new(id(p), id(u), LinkKind::Holds), on);
        }
        3 => {
            // A post moved to another unit (the same holding): the person's P003 and the
            // workers of two streets/towns (P004), two units' principals (P001).
            let (p, lid, u) = post_of(rng, used)?;
            let to = pick(rng, &units)?;
            let holding = model.holding(lid)?.clone();
            if to == u {
                return None;
            }
            cs.remove_link(LinkAddress::new(id(p), id(u), LinkKind::Holds));
            cs.add.links.push(LinkSpec::new(id(p), id(to), LinkKind::Holds).holding(holding));
        }
        4 => {
            // A person removed with every link (each named alone by its address).
            let p = pick(rng, &people)?;
            let links: Vec<_> = model.all_links_from(p).chain(model.all_links_to(p)).collect();
            let distinct: BTreeSet<_> = links.iter().map(|(_, l)| (l.from, l.to, l.kind.to_string())).collect();
            if distinct.len() != links.len() || !used.insert(id(p)) {
                return None;
            }
            for (_, l) in links {
                cs.remove_link(LinkAddress::new(id(l.from), id(l.to), l.kind));
            }
            cs.remove_record(id(p));
        }
        5 => {
            // A meeting (a hearing on a project, or a deliberation) in a community, village or grid.
            let kinds = [MeetingKind::Hearing, MeetingKind::Coordination, MeetingKind::Evaluation];
            // Mostly on the day of another meeting; sometimes years before any (M001 of every
            // community then reads another first year: the whole models are re-examined).
            let date = match rng.below(6) {
                0 if years_may_move => "2001-05-04".parse().ok()?,
                _ => model.meetings().get(rng.below(model.meetings().len()))?.date,
            };
            let mut m =
                MeetingSpec::new(format!("new-meeting-{tag}"), kinds[rng.below(3)], id(pick(rng, &places)?), date);
            if rng.below(2) == 0 {
                m = m.topic(id(pick(rng, &projects)?));
            }
            if rng.below(2) == 0 {
                m = m.convener(id(pick(rng, &units)?));
            }
            cs.add.meetings.push(m);
        }
        6 => {
            let m = model.meetings().get(rng.below(model.meetings().len()))?;
            if !used.insert(m.id.to_string()) {
                return None;
            }
            cs.remove_record(m.id.to_string());
        }
        _ => {
            // A person's dates: in office from a later day (their posts' standing moves with them).
            let p = pick(rng, &people)?;
            if !used.insert(id(p)) {
                return None;
            }
            cs.update.push(Update::new(id(p)).set(Field::Since, V::Date("2022-01-01".parse().ok()?)));
        }
    }
    Some(())
}
