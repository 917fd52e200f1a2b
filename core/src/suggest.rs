//! Suggested fixes: for the findings whose remedy is mechanical, a change set that would
//! close them (issue #13), like a compiler's suggestions.
//!
//! | rule | suggestion |
//! |---|---|
//! | C001 | a Party organisation of the unit's own (branch, general branch or committee by its members), located where the unit is, registering with and led by a Party organisation holding jurisdiction there |
//! | D001 | a `registers_with` from the organisation to a Party organisation holding jurisdiction where each unregistered unit sits |
//! | C008 | a `jurisdiction` over the grid from a unit holding its parent (a residents' or villagers' committee first) |
//! | S002 | the leader the leadership line follows today marked `primary` (the others unmarked) |
//!
//! Each [`Suggestion`] is a [`ChangeSet`] with defaults filled in, marked in its `meta`
//! (`"suggestion": true`, the finding it closes, and `"choices"`: which values are the
//! user's to choose, with the default and the candidates). The user reviews it, changes a
//! choice if needed ([`Suggestion::with_choice`]) and applies it (`tiaokuai apply`). A
//! finding with no candidate in the model (no Party organisation holds the place) gets no
//! suggestion. The what-if of each suggestion closes its finding and opens none
//! (`tests/suggest.rs`).
//!
//! # Example
//! ```
//! use tiaokuai::{Config, Model, suggest::suggest, whatif::whatif_change};
//! let model = Model::sample();
//! let config = Config::default();
//! let report = model.audit(&config);
//! let s = suggest(&model, &report);
//! let grid = s.iter().find(|s| s.rule == "C008").unwrap();
//! assert_eq!(grid.subject, "yyl-c03-g2");
//! let w = whatif_change(&model, &grid.change, &config)?;
//! assert_eq!(w.resolved.len(), 1);
//! assert!(w.introduced.is_empty());
//! # Ok::<(), tiaokuai::Error>(())
//! ```

use serde::Serialize;
use serde_json::{Value, json};

use crate::audit::Report;
use crate::change::ChangeSet;
use crate::model::{LinkKind, Model, Node, UnitKind};

/// A value of a suggestion the user chooses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    /// Where the value stands in the change set, e.g. `add.units[0].id`.
    pub at: String,
    /// What it is.
    pub what: String,
    /// The value the suggestion holds.
    pub default: String,
    /// The values the model offers (empty when free, such as a new id).
    pub candidates: Vec<String>,
}

/// A suggested change set closing one finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The finding's rule code.
    pub rule: &'static str,
    /// The finding's subject id.
    pub subject: String,
    /// The finding's street/town id.
    pub territory: Option<String>,
    /// The change set, defaults filled in, `meta.suggestion` true.
    pub change: ChangeSet,
    /// The values the user may choose otherwise.
    pub choices: Vec<Choice>,
    /// The document the change set was made from (to re-make it with another choice).
    doc: Value,
}

impl Suggestion {
    /// The suggestion with the value at `at` (one of [`Suggestion::choices`]) set to `value`.
    ///
    /// # Errors
    /// [`crate::Error::Invalid`] when `at` is not one of the choices; the errors of
    /// [`ChangeSet::from_json`] when the value makes the change set unreadable.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{Config, Model, suggest::suggest};
    /// let model = Model::sample();
    /// let s = suggest(&model, &model.audit(&Config::default()));
    /// let c001 = s.iter().find(|s| s.rule == "C001").unwrap();
    /// let renamed = c001.with_choice("add.units[0].id", "my-new-branch")?;
    /// assert_eq!(renamed.change.add.units[0].id, "my-new-branch");
    /// assert_eq!(renamed.change.add.links[0].from, "my-new-branch");
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn with_choice(&self, at: &str, value: &str) -> crate::Result<Suggestion> {
        let Some(i) = self.choices.iter().position(|c| c.at == at && c.at != "primary") else {
            return Err(crate::Error::Invalid {
                what: "suggestion".into(),
                message: format!("{at:?} is not a choice of this suggestion"),
            });
        };
        let old = self.choices[i].default.clone();
        let mut doc = self.doc.clone();
        // A new id is used wherever the change set names it; another choice at its place only.
        let everywhere = at.ends_with("].id");
        replace(&mut doc, at, &old, value, everywhere);
        let mut choices = self.choices.clone();
        choices[i].default = value.to_string();
        doc["meta"]["choices"] = serde_json::to_value(&choices).unwrap_or(Value::Null);
        let change = ChangeSet::from_json(&doc.to_string())?;
        Ok(Suggestion { change, choices, doc, ..self.clone() })
    }

    /// The change set as a `tiaokuai-change/1` document.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.doc).unwrap_or_default()
    }
}

/// Sets the value at the dotted path `at` (or, `everywhere`, every string equal to `old`).
fn replace(doc: &mut Value, at: &str, old: &str, new: &str, everywhere: bool) {
    if everywhere {
        fn walk(v: &mut Value, old: &str, new: &str) {
            match v {
                Value::String(s) if s == old => *s = new.to_string(),
                Value::Array(a) => a.iter_mut().for_each(|x| walk(x, old, new)),
                Value::Object(o) => {
                    o.iter_mut().filter(|(k, _)| k.as_str() != "meta").for_each(|(_, x)| walk(x, old, new))
                }
                _ => {}
            }
        }
        walk(doc, old, new);
        return;
    }
    let mut cur = doc;
    for part in at.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((n, i)) => (n, i.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        cur = &mut cur[name];
        if let Some(i) = index {
            cur = &mut cur[i];
        }
    }
    *cur = Value::String(new.to_string());
}

/// The Party organisations holding jurisdiction over `place` or a territory containing it,
/// up to its street/town, nearest first, each once.
fn party_holders(model: &Model, place: Node) -> Vec<Node> {
    let mut out = Vec::new();
    for t in model.ancestors(place) {
        for h in model.sources(t, &LinkKind::Jurisdiction) {
            if model.unit(h).is_some_and(|u| u.kind.is_party_org()) && !out.contains(&h) {
                out.push(h);
            }
        }
        if model.territory(t).is_some_and(|x| x.kind.is_township_level()) {
            break;
        }
    }
    out
}

/// Suggestions for the findings of `report` (an audit of `model`) whose remedy is mechanical,
/// in report order.
pub fn suggest(model: &Model, report: &Report) -> Vec<Suggestion> {
    let broken: std::collections::HashSet<&str> = report.findings_of("S003").map(|f| f.subject.as_str()).collect();
    let mut out = Vec::new();
    for f in &report.findings {
        let Some(subject) = model.node(&f.subject) else { continue };
        let made = match f.rule {
            "C001" => c001(model, subject, &broken),
            "D001" => d001(model, subject),
            "C008" => c008(model, subject),
            "S002" => s002(model, subject),
            _ => None,
        };
        let Some((title, mut doc, choices)) = made else { continue };
        doc["format"] = json!(crate::change::CHANGE_FORMAT);
        doc["meta"] = json!({
            "title": title,
            "suggestion": true,
            "finding": {"rule": f.rule, "subject": f.subject, "territory": f.territory},
            "choices": choices,
        });
        let Ok(change) = ChangeSet::from_json(&doc.to_string()) else { continue };
        out.push(Suggestion {
            rule: f.rule,
            subject: f.subject.clone(),
            territory: f.territory.clone(),
            change,
            choices,
            doc,
        });
    }
    out
}

type Made = Option<(String, Value, Vec<Choice>)>;

fn ids(model: &Model, nodes: &[Node]) -> Vec<String> {
    nodes.iter().map(|&n| model.id(n).to_string()).collect()
}

fn c001(model: &Model, u: Node, broken: &std::collections::HashSet<&str>) -> Made {
    let unit = model.unit(u)?;
    let members = unit.members().unwrap_or(0);
    let (kind, word) = match members {
        0..=50 => (UnitKind::PartyBranch, "党支部"),
        51..=100 => (UnitKind::PartyGeneralBranch, "党总支"),
        _ => (UnitKind::PartyCommittee, "党委"),
    };
    let uid = model.id(u);
    let mut id = format!("{uid}-party");
    let mut n = 2;
    while model.contains(&id) {
        id = format!("{uid}-party-{n}");
        n += 1;
    }
    let name = format!("{}{word}", model.name(u));
    let mut record = json!({"id": id, "name": name, "kind": kind.to_string(), "sector": "party", "members": members});
    let mut links = vec![json!({"from": id, "to": uid, "kind": "party_org_of"})];
    let mut choices = vec![
        Choice {
            at: "add.units[0].id".into(),
            what: "the new organisation's id".into(),
            default: id.clone(),
            candidates: vec![],
        },
        Choice { at: "add.units[0].name".into(), what: "its name".into(), default: name, candidates: vec![] },
    ];
    if let Some(place) = unit.located_in {
        record["located_in"] = json!(model.id(place));
        let holders = party_holders(model, place);
        // The one that leads it must have a whole chain, or the new organisation's would break.
        let ok: Vec<Node> = holders.iter().copied().filter(|h| !broken.contains(model.id(*h))).collect();
        let &q = ok.first()?;
        links.push(json!({"from": id, "to": model.id(q), "kind": "registers_with"}));
        links.push(json!({"from": model.id(q), "to": id, "kind": "leads"}));
        choices.push(Choice {
            at: "add.links[1].to".into(),
            what: "the Party organisation it registers with (双报到), holding jurisdiction where the unit sits".into(),
            default: model.id(q).into(),
            candidates: ids(model, &holders),
        });
        choices.push(Choice {
            at: "add.links[2].from".into(),
            what: "the Party organisation that leads it".into(),
            default: model.id(q).into(),
            candidates: ids(model, &ok),
        });
    }
    let title = format!(
        "set up a Party organisation for {uid} ({} full members; or give it a Party-building instructor)",
        members
    );
    Some((title, json!({"add": {"units": [record], "links": links}}), choices))
}

fn d001(model: &Model, p: Node) -> Made {
    let pid = model.id(p);
    let held: Vec<Node> = model.targets(p, &LinkKind::Jurisdiction).collect();
    let registered: Vec<Node> = model.targets(p, &LinkKind::RegistersWith).collect();
    let mut links = Vec::new();
    let mut choices = Vec::new();
    let mut chosen: Vec<Node> = Vec::new();
    for u in model.targets(p, &LinkKind::PartyOrgOf) {
        let Some(place) = model.unit(u).and_then(|x| x.located_in) else { continue };
        let holders = party_holders(model, place);
        let places: Vec<Node> = model.ancestors(place).collect();
        let exempt = held.iter().any(|h| places.contains(h));
        let done = holders.iter().any(|h| registered.contains(h) || chosen.contains(h));
        if exempt || done {
            continue;
        }
        let &q = holders.iter().find(|&&h| h != p)?;
        choices.push(Choice {
            at: format!("add.links[{}].to", links.len()),
            what: format!("the Party organisation where {} sits that {pid} registers with", model.id(u)),
            default: model.id(q).into(),
            candidates: ids(model, &holders),
        });
        links.push(json!({"from": pid, "to": model.id(q), "kind": "registers_with"}));
        chosen.push(q);
    }
    if links.is_empty() {
        return None;
    }
    Some((format!("register {pid} where its units sit (双报到)"), json!({"add": {"links": links}}), choices))
}

fn c008(model: &Model, g: Node) -> Made {
    let parent = model.parent(g)?;
    let holders: Vec<Node> = model
        .sources(parent, &LinkKind::Jurisdiction)
        .filter(|&h| {
            model.unit(h).is_some_and(|u| !matches!(u.kind, UnitKind::Department | UnitKind::DispatchedAgency))
        })
        .collect();
    let committee = |h: &Node| {
        model.unit(*h).is_some_and(|u| matches!(u.kind, UnitKind::ResidentsCommittee | UnitKind::VillagersCommittee))
    };
    let h = holders.iter().copied().find(committee).or_else(|| holders.first().copied())?;
    let gid = model.id(g);
    let choices = vec![Choice {
        at: "add.links[0].from".into(),
        what: format!("the unit answering for grid {gid}, from those holding {}", model.id(parent)),
        default: model.id(h).into(),
        candidates: ids(model, &holders),
    }];
    let link = json!({"from": model.id(h), "to": gid, "kind": "jurisdiction"});
    Some((format!("assign grid {gid} to {}", model.id(h)), json!({"add": {"links": [link]}}), choices))
}

fn s002(model: &Model, u: Node) -> Made {
    let uid = model.id(u);
    let leads: Vec<(crate::model::LinkId, crate::model::Link)> =
        model.all_links_to(u).filter(|(_, l)| l.kind == LinkKind::Leads).collect();
    // The leader the line follows today: the first marked primary, else the first.
    let (_, line) = leads.iter().find(|(_, l)| l.is_primary()).or_else(|| leads.first())?;
    let leader = line.from;
    let mut remove = Vec::new();
    let mut add = Vec::new();
    for (id, l) in &leads {
        let want = l.from == leader;
        if l.is_primary() == want {
            continue;
        }
        let same = leads.iter().filter(|(_, m)| m.from == l.from).count();
        if same > 1 || !l.validity.is_empty() || model.link_attrs(*id).is_some() {
            // Two links from one leader, or dates or attrs to carry: not mechanical.
            return None;
        }
        remove.push(json!({"link": {"from": model.id(l.from), "to": uid, "kind": "leads"}}));
        add.push(json!({"from": model.id(l.from), "to": uid, "kind": "leads", "primary": want}));
    }
    let leaders: Vec<Node> = leads.iter().map(|(_, l)| l.from).collect();
    let choices = vec![Choice {
        at: "primary".into(),
        what: format!(
            "the primary leader of {uid}: by default the one its leadership line follows today (so no chain \
             below changes); to choose another, edit which re-added link carries \"primary\": true"
        ),
        default: model.id(leader).into(),
        candidates: ids(model, &leaders),
    }];
    let title = format!("mark {}'s leadership of {uid} primary", model.id(leader));
    Some((title, json!({"remove": remove, "add": {"links": add}}), choices))
}
