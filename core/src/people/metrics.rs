//! People metrics per street/town, district and city: vacancies, secretaries' tenure,
//! the share of "一肩挑" villages and of cross-appointed communities, the band and channel
//! mix of community workers.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use crate::audit::{Config, Context};
use crate::model::{Band, Channel, Level, LinkKind, Model, Node, Post, TerritoryKind, UnitKind};
use crate::render::Table;

/// The people counts of one area. Counts add up across areas; the rates are computed from them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PeopleArea {
    /// The territory's id.
    pub id: String,
    /// The territory's name.
    pub name: String,
    /// The territory's kind.
    pub kind: String,
    /// Party organisations, governments, departments, agencies and residents'/villagers'
    /// committees in the area (the units rule P001 speaks of).
    pub principal_units: u64,
    /// Of those, units whose principal post nobody holds at the date.
    pub vacancies: u64,
    /// Secretaries of Party organisations at the date.
    pub secretaries: u64,
    /// Their days in post up to the date (each secretary's tenure in the post, see
    /// [`super::tenure`]), summed.
    pub secretary_days: u64,
    /// Villagers' committees led by a Party organisation, both with a principal.
    pub villages: u64,
    /// Of those, "一肩挑": the secretary is also the director.
    pub one_shoulder: u64,
    /// Residents'/villagers' committees led by a Party organisation, both with holders.
    pub led_committees: u64,
    /// Of those, with cross-appointment: someone holds a post in both.
    pub cross_appointed: u64,
    /// Community workers (distinct people) at the date.
    pub community_workers: u64,
    /// Community-worker posts by band: chief, deputy, other, none given.
    pub bands: [u64; 4],
    /// Community-worker posts by channel: grassroots, open recruitment, assigned, other (`x-`), none given.
    pub channels: [u64; 5],
    /// Vacancies over principal units.
    pub vacancy_rate: Option<f64>,
    /// Mean secretary tenure in years (`secretary_days / secretaries / 365.2425`).
    pub secretary_tenure_years: Option<f64>,
    /// One-shoulder villages over villages.
    pub one_shoulder_rate: Option<f64>,
    /// Cross-appointed committees over led committees.
    pub cross_appointment_rate: Option<f64>,
}

/// People metrics at the view's date: per street/town, district and city.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PeopleMetrics {
    /// Streets, towns, townships and zones, in document order.
    pub townships: Vec<PeopleArea>,
    /// Districts containing them.
    pub districts: Vec<PeopleArea>,
    /// Cities containing them.
    pub cities: Vec<PeopleArea>,
}

impl PeopleMetrics {
    /// The areas of a level: [`Level::Street`] for streets/towns, [`Level::District`],
    /// [`Level::City`]; none for the other levels.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::Level;
    /// let pm = tiaokuai::people::metrics(&tiaokuai::Model::sample());
    /// assert_eq!(pm.areas(Level::Street).len(), pm.townships.len());
    /// assert!(pm.areas(Level::Country).is_empty());
    /// ```
    pub fn areas(&self, level: Level) -> &[PeopleArea] {
        match level {
            Level::Street => &self.townships,
            Level::District => &self.districts,
            Level::City => &self.cities,
            _ => &[],
        }
    }

    /// The areas of a level as a table for people: vacancies, secretaries' mean tenure,
    /// 一肩挑 and cross-appointment rates, community workers with their band and channel mix.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::Level;
    /// let pm = tiaokuai::people::metrics(&tiaokuai::Model::sample());
    /// assert!(pm.to_table(Level::Street).render().contains("vacancies"));
    /// ```
    pub fn to_table(&self, level: Level) -> Table {
        let mut t = Table::new([
            "id",
            "name",
            "kind",
            "vacancies",
            "secretary tenure (years)",
            "一肩挑",
            "cross-appointed",
            "community workers",
            "bands chief/deputy/other/-",
            "channels grassroots/open/assigned/x/-",
        ]);
        for a in self.areas(level) {
            let [c, d, o, n] = a.bands;
            let [g, r, s, x, m] = a.channels;
            t.row([
                a.id.clone(),
                a.name.clone(),
                a.kind.clone(),
                pct(a.vacancies, a.principal_units),
                a.secretary_tenure_years.map_or_else(|| "-".to_string(), |y| format!("{y:.2}")),
                pct(a.one_shoulder, a.villages),
                pct(a.cross_appointed, a.led_committees),
                a.community_workers.to_string(),
                format!("{c}/{d}/{o}/{n}"),
                format!("{g}/{r}/{s}/{x}/{m}"),
            ]);
        }
        t
    }
}

fn pct(n: u64, d: u64) -> String {
    if d == 0 { "-".to_string() } else { format!("{:.1}% ({n}/{d})", 100.0 * n as f64 / d as f64) }
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

impl PeopleArea {
    fn add(&mut self, o: &PeopleArea) {
        self.principal_units += o.principal_units;
        self.vacancies += o.vacancies;
        self.secretaries += o.secretaries;
        self.secretary_days += o.secretary_days;
        self.villages += o.villages;
        self.one_shoulder += o.one_shoulder;
        self.led_committees += o.led_committees;
        self.cross_appointed += o.cross_appointed;
        self.community_workers += o.community_workers;
        for i in 0..4 {
            self.bands[i] += o.bands[i];
        }
        for i in 0..5 {
            self.channels[i] += o.channels[i];
        }
    }

    fn finish(&mut self) {
        self.vacancy_rate = ratio(self.vacancies, self.principal_units);
        self.secretary_tenure_years =
            ratio(self.secretary_days, self.secretaries).map(|d| (d / 365.2425 * 100.0).round() / 100.0);
        self.one_shoulder_rate = ratio(self.one_shoulder, self.villages);
        self.cross_appointment_rate = ratio(self.cross_appointed, self.led_committees);
    }
}

/// The people metrics of a model at its view's date. A model without people gives
/// areas with zero counts and no rates.
///
/// # Example
/// ```
/// let m = tiaokuai::Model::from_json(r#"{"format": "tiaokuai/1",
///   "territories": [{"id": "s", "name": "街道", "kind": "street"}],
///   "units": [{"id": "b", "name": "支部", "kind": "party_branch", "located_in": "s"}],
///   "people": [{"id": "p"}],
///   "links": [{"from": "p", "to": "b", "kind": "holds", "post": "secretary", "since": "2020-01-01"}]}"#)?;
/// let pm = tiaokuai::people::metrics(&m.at("2020-12-31".parse()?));
/// assert_eq!((pm.townships[0].secretaries, pm.townships[0].secretary_days), (1, 366));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn metrics(model: &Model) -> PeopleMetrics {
    let config = Config::default();
    let ctx = Context::new(model, &config);
    let mut rows: Vec<PeopleArea> = ctx
        .townships
        .iter()
        .map(|&t| PeopleArea {
            id: model.id(t).to_string(),
            name: model.name(t).to_string(),
            kind: model.record(t).kind_str().to_string(),
            ..PeopleArea::default()
        })
        .collect();
    if model.has_people() {
        fill(model, &ctx, &mut rows);
    }
    let roll = |kind: TerritoryKind| {
        let mut areas: BTreeMap<Node, PeopleArea> = BTreeMap::new();
        for (row, &t) in ctx.townships.iter().enumerate() {
            let Some(up) = model.ancestors(t).find(|&a| model.territory(a).is_some_and(|x| x.kind == kind)) else {
                continue;
            };
            let area = areas.entry(up).or_insert_with(|| PeopleArea {
                id: model.id(up).to_string(),
                name: model.name(up).to_string(),
                kind: kind.as_str().to_string(),
                ..PeopleArea::default()
            });
            area.add(&rows[row]);
        }
        let mut out: Vec<PeopleArea> = areas.into_values().collect();
        out.iter_mut().for_each(PeopleArea::finish);
        out
    };
    let (districts, cities) = (roll(TerritoryKind::District), roll(TerritoryKind::City));
    rows.iter_mut().for_each(PeopleArea::finish);
    PeopleMetrics { townships: rows, districts, cities }
}

fn fill(model: &Model, ctx: &Context, rows: &mut [PeopleArea]) {
    let holders = |u: Node, posts: &[Post]| -> HashSet<Node> {
        model
            .holders_of(u)
            .filter(|(lid, _)| model.holding(*lid).is_some_and(|h| posts.is_empty() || posts.contains(&h.post)))
            .map(|(_, l)| l.from)
            .collect()
    };
    let mut workers: Vec<HashSet<Node>> = vec![HashSet::new(); rows.len()];
    for (u, unit) in model.units() {
        let Some(row) = ctx.unit_row(u) else { continue };
        let area = &mut rows[row];
        let principal = super::principal_post(&unit.kind);
        let checked = unit.kind.is_party_org()
            || matches!(
                unit.kind,
                UnitKind::Government
                    | UnitKind::Department
                    | UnitKind::DispatchedAgency
                    | UnitKind::ResidentsCommittee
                    | UnitKind::VillagersCommittee
            );
        if checked {
            area.principal_units += 1;
            if holders(u, std::slice::from_ref(&principal)).is_empty() {
                area.vacancies += 1;
            }
        }
        if unit.kind.is_party_org() {
            for s in holders(u, &[Post::Secretary]) {
                area.secretaries += 1;
                let days = super::tenure(model, Some(s), Some(u))
                    .iter()
                    .find(|t| t.post == Post::Secretary)
                    .and_then(|t| t.days);
                area.secretary_days += days.unwrap_or(0).max(0) as u64;
            }
            for c in model.targets(u, &LinkKind::Leads) {
                let Some(cu) = model.unit(c) else { continue };
                if !matches!(cu.kind, UnitKind::ResidentsCommittee | UnitKind::VillagersCommittee) {
                    continue;
                }
                let (party, committee) = (holders(u, &[]), holders(c, &[]));
                if !party.is_empty() && !committee.is_empty() {
                    area.led_committees += 1;
                    area.cross_appointed += u64::from(!party.is_disjoint(&committee));
                }
                if cu.kind == UnitKind::VillagersCommittee {
                    let (sec, dir) = (holders(u, &[Post::Secretary]), holders(c, &[Post::Director]));
                    if !sec.is_empty() && !dir.is_empty() {
                        area.villages += 1;
                        area.one_shoulder += u64::from(!sec.is_disjoint(&dir));
                    }
                }
            }
        }
        for (lid, l) in model.holders_of(u) {
            let Some(h) = model.holding(lid) else { continue };
            if h.post != Post::CommunityWorker {
                continue;
            }
            workers[row].insert(l.from);
            area.bands[match h.band {
                Some(Band::Chief) => 0,
                Some(Band::Deputy) => 1,
                Some(Band::Other) => 2,
                None => 3,
            }] += 1;
            area.channels[match &h.channel {
                Some(Channel::Grassroots) => 0,
                Some(Channel::OpenRecruitment) => 1,
                Some(Channel::Assigned) => 2,
                Some(_) => 3,
                None => 4,
            }] += 1;
        }
    }
    for (area, w) in rows.iter_mut().zip(workers) {
        area.community_workers = w.len() as u64;
    }
}
