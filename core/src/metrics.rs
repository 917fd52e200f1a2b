//! The balance metrics: coverage, registration, strips and blocks, matters —
//! per street/town, rolled up per district, city, province and country, and
//! compared between urban streets and rural towns.
//!
//! Every metric keeps its numerator and denominator ([`Counts`]), so roll-ups
//! are exact sums; the rates ([`Rates`]) are computed from them. Definitions
//! are in `docs/metrics.md`.
//!
//! # Example
//! ```
//! use tiaokuai::{Config, Level, Model};
//! let model = Model::from_json(r#"{"format": "tiaokuai/1",
//!   "territories": [{"id": "d", "name": "宝山区", "kind": "district"},
//!                   {"id": "s", "name": "友谊路街道", "kind": "street", "parent": "d"}],
//!   "units": [{"id": "a", "name": "A 公司", "kind": "enterprise", "sector": "private", "located_in": "s", "members": 4},
//!             {"id": "a-party", "name": "A 公司党支部", "kind": "party_branch", "sector": "party"},
//!             {"id": "b", "name": "B 公司", "kind": "enterprise", "sector": "private", "located_in": "s"}],
//!   "links": [{"from": "a-party", "to": "a", "kind": "party_org_of"}]}"#)?;
//! let metrics = model.metrics(&Config::default());
//! let street = &metrics.townships[0];
//! assert_eq!((street.counts.units_covered, street.counts.units), (1, 2));
//! assert_eq!(street.rates.org_coverage, Some(0.5));
//! assert_eq!(metrics.districts[0].counts, street.counts);
//! println!("{}", metrics.to_table(Level::Street));
//! # Ok::<(), tiaokuai::Error>(())
//! ```

use std::collections::HashMap;
use std::ops::AddAssign;

use serde::Serialize;

use crate::audit::{Config, Context, cover};
use crate::model::{Level, Model, Node, Sector, TerritoryKind};
use crate::render::Table;

/// The raw numerators and denominators of the metrics for one area.
///
/// Units are counted where they are located (`located_in`, up to the
/// street/town containing it). Party organisations and joint meetings are not
/// counted as units: they are the coverage, not the covered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Counts {
    /// Units located in the area (Party organisations and joint meetings excepted).
    pub units: u64,
    /// Of those, units with a Party organisation of their own (a `party_org_of` from a non-joint organisation).
    pub units_with_own_org: u64,
    /// Units in a joint branch and with no organisation of their own.
    pub units_in_joint_branch: u64,
    /// Units with organisational coverage: `units_with_own_org + units_in_joint_branch`.
    pub units_covered: u64,
    /// Units with at least one full Party member (`members` ≥ 1): the units an organisation can be set up for.
    pub units_with_members: u64,
    /// Of those, units with organisational coverage.
    pub units_with_members_covered: u64,
    /// In-system units (体制内: sector party, government, public_institution, state_owned).
    pub in_system_units: u64,
    /// In-system units with organisational coverage.
    pub in_system_covered: u64,
    /// Out-of-system units (体制外: sector private, foreign, social).
    pub out_of_system_units: u64,
    /// Out-of-system units with organisational coverage.
    pub out_of_system_covered: u64,
    /// Out-of-system units with work coverage: a Party organisation, an instructor or a mass organisation.
    pub out_of_system_work_covered: u64,
    /// Party organisations that should register where their units sit (D001's subjects).
    pub party_orgs_to_register: u64,
    /// Of those, the ones registered for every unit they cover.
    pub party_orgs_registered: u64,
    /// Stationed agencies (`dispatched_agency`) serving the area.
    pub agencies: u64,
    /// Of those, agencies over which the street/town holds `assessment` power.
    pub agencies_with_assessment: u64,
    /// Agencies over which the street/town holds `consent` power.
    pub agencies_with_consent: u64,
    /// Agencies over which the street/town holds every required power (by default assessment and consent).
    pub agencies_with_required_powers: u64,
    /// (matter, street/town) pairs: every matter, once per street/town.
    pub matters: u64,
    /// Pairs where the matter resolves to exactly one lead.
    pub matters_single_lead: u64,
}

impl AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.units += o.units;
        self.units_with_own_org += o.units_with_own_org;
        self.units_in_joint_branch += o.units_in_joint_branch;
        self.units_covered += o.units_covered;
        self.units_with_members += o.units_with_members;
        self.units_with_members_covered += o.units_with_members_covered;
        self.in_system_units += o.in_system_units;
        self.in_system_covered += o.in_system_covered;
        self.out_of_system_units += o.out_of_system_units;
        self.out_of_system_covered += o.out_of_system_covered;
        self.out_of_system_work_covered += o.out_of_system_work_covered;
        self.party_orgs_to_register += o.party_orgs_to_register;
        self.party_orgs_registered += o.party_orgs_registered;
        self.agencies += o.agencies;
        self.agencies_with_assessment += o.agencies_with_assessment;
        self.agencies_with_consent += o.agencies_with_consent;
        self.agencies_with_required_powers += o.agencies_with_required_powers;
        self.matters += o.matters;
        self.matters_single_lead += o.matters_single_lead;
    }
}

/// Applies `$op` to every field of [`Counts`], in declaration order.
macro_rules! each_count {
    ($op:ident) => {
        $op!(
            units,
            units_with_own_org,
            units_in_joint_branch,
            units_covered,
            units_with_members,
            units_with_members_covered,
            in_system_units,
            in_system_covered,
            out_of_system_units,
            out_of_system_covered,
            out_of_system_work_covered,
            party_orgs_to_register,
            party_orgs_registered,
            agencies,
            agencies_with_assessment,
            agencies_with_consent,
            agencies_with_required_powers,
            matters,
            matters_single_lead
        )
    };
}

impl Counts {
    /// These counts with `from` taken away and `to` added, field by field; `None` when a
    /// field would go below zero (`from` was not part of these counts).
    pub(crate) fn moved(&self, from: &Counts, to: &Counts) -> Option<Counts> {
        macro_rules! fields {
            ($($f:ident),*) => {
                Counts { $($f: self.$f.checked_sub(from.$f)?.checked_add(to.$f)?),* }
            };
        }
        Some(each_count!(fields))
    }
}

fn ratio(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

/// The rates computed from [`Counts`]; `None` when the denominator is 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Rates {
    /// Organisational coverage: `units_covered / units`.
    pub org_coverage: Option<f64>,
    /// Organisational coverage of units with members: `units_with_members_covered / units_with_members`.
    pub org_coverage_with_members: Option<f64>,
    /// In-system organisational coverage: `in_system_covered / in_system_units`.
    pub org_coverage_in_system: Option<f64>,
    /// Out-of-system organisational coverage: `out_of_system_covered / out_of_system_units`.
    pub org_coverage_out_of_system: Option<f64>,
    /// Work coverage: `out_of_system_work_covered / out_of_system_units`.
    pub work_coverage: Option<f64>,
    /// Dual registration: `party_orgs_registered / party_orgs_to_register`.
    pub dual_registration: Option<f64>,
    /// Block power: `agencies_with_required_powers / agencies`.
    pub block_power: Option<f64>,
    /// Matter coverage: `matters_single_lead / matters`.
    pub matter_coverage: Option<f64>,
}

impl Counts {
    /// The rates of these counts.
    pub fn rates(&self) -> Rates {
        Rates {
            org_coverage: ratio(self.units_covered, self.units),
            org_coverage_with_members: ratio(self.units_with_members_covered, self.units_with_members),
            org_coverage_in_system: ratio(self.in_system_covered, self.in_system_units),
            org_coverage_out_of_system: ratio(self.out_of_system_covered, self.out_of_system_units),
            work_coverage: ratio(self.out_of_system_work_covered, self.out_of_system_units),
            dual_registration: ratio(self.party_orgs_registered, self.party_orgs_to_register),
            block_power: ratio(self.agencies_with_required_powers, self.agencies),
            matter_coverage: ratio(self.matters_single_lead, self.matters),
        }
    }
}

/// The metrics of one area: a street/town, a roll-up (district, city,
/// province, country) or a group of the urban/rural comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Area {
    /// The territory's id (for comparison groups: `urban`, `rural`, `other`).
    pub id: String,
    /// The territory's name (for groups, a description).
    pub name: String,
    /// The territory's kind (for groups: `group`).
    pub kind: String,
    /// The id of the roll-up area directly above (district, city, province or country), if any.
    pub parent: Option<String>,
    /// The number of streets/towns summed into this area (1 for a street/town).
    pub townships: u64,
    /// The numerators and denominators.
    pub counts: Counts,
    /// The rates.
    pub rates: Rates,
}

impl Area {
    fn new(id: &str, name: &str, kind: &str) -> Area {
        Area {
            id: id.to_string(),
            name: name.to_string(),
            kind: kind.to_string(),
            parent: None,
            townships: 0,
            counts: Counts::default(),
            rates: Rates::default(),
        }
    }

    fn add(&mut self, counts: Counts, townships: u64) {
        self.counts += counts;
        self.townships += townships;
        self.rates = self.counts.rates();
    }

    /// The area's counts with `from` taken away and `to` added ([`Counts::moved`]), its rates
    /// recomputed from them; `None` (and the area unchanged) when a count would go below zero.
    pub(crate) fn shift(&mut self, from: &Counts, to: &Counts) -> Option<()> {
        self.counts = self.counts.moved(from, to)?;
        self.rates = self.counts.rates();
        Some(())
    }
}

/// The metrics of a model; see the [module documentation](self).
///
/// Areas come in document order of their territories; everything serialises in a stable order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Metrics {
    /// One row per street/town (township-level territory: street, town, township, zone).
    pub townships: Vec<Area>,
    /// Roll-ups per district (the sum of the streets/towns inside it).
    pub districts: Vec<Area>,
    /// Roll-ups per city.
    pub cities: Vec<Area>,
    /// Roll-ups per province.
    pub provinces: Vec<Area>,
    /// Roll-ups per country.
    pub countries: Vec<Area>,
    /// The urban/rural comparison: `urban` (streets), `rural` (towns and townships), `other` (zones).
    pub comparison: Vec<Area>,
    /// Units located in no street/town (or nowhere), left out of every area.
    pub unplaced_units: u64,
}

/// Per street/town counts, filled by the audit's rule passes.
pub(crate) struct Tally {
    pub rows: Vec<Counts>,
    /// Units located in no street/town, left out of every area.
    pub unplaced: u64,
    /// When set, only these subjects are counted (the what-if's part, [`Only`]).
    pub only: Option<Only>,
}

/// The subjects a [`Tally`] counts when it counts only some: the units, Party organisations
/// and stationed agencies among `subjects` (by node index), and the (matter, street/town)
/// pairs among `pairs`. The what-if counts the reach of an edit in a part of each model
/// this way, and moves the whole model's metrics by the difference (`crate::whatif`).
#[derive(Debug, Default)]
pub(crate) struct Only {
    pub subjects: std::collections::HashSet<u32>,
    pub pairs: std::collections::HashSet<(u32, u32)>,
}

impl Tally {
    pub fn new(n: usize) -> Tally {
        Tally { rows: vec![Counts::default(); n], unplaced: 0, only: None }
    }

    /// True when `subject` (a unit, Party organisation or stationed agency) is counted.
    #[inline]
    pub fn counts(&self, subject: Node) -> bool {
        self.only.as_ref().is_none_or(|o| o.subjects.contains(&subject.raw()))
    }

    /// True when the (matter, street/town) pair is counted.
    #[inline]
    pub fn counts_pair(&self, matter: Node, township: Node) -> bool {
        self.only.as_ref().is_none_or(|o| o.pairs.contains(&(matter.raw(), township.raw())))
    }

    /// Counts unit `u` (not a Party organisation, not a joint meeting) where it is located:
    /// its sector, its members (`with_members`) and its [`cover`] flags.
    pub fn unit(&mut self, u: Node, row: Option<usize>, sector: Option<&Sector>, with_members: bool, flags: u8) {
        if !self.counts(u) {
            return;
        }
        let Some(row) = row else {
            self.unplaced += 1;
            return;
        };
        let own = flags & cover::OWN != 0;
        let joint = flags & cover::JOINT != 0;
        let covered = own || joint;
        let c = &mut self.rows[row];
        c.units += 1;
        c.units_with_own_org += u64::from(own);
        c.units_in_joint_branch += u64::from(joint && !own);
        c.units_covered += u64::from(covered);
        if with_members {
            c.units_with_members += 1;
            c.units_with_members_covered += u64::from(covered);
        }
        if sector.is_some_and(|s| s.is_in_system()) {
            c.in_system_units += 1;
            c.in_system_covered += u64::from(covered);
        } else if sector.is_some_and(|s| s.is_non_public()) {
            c.out_of_system_units += 1;
            c.out_of_system_covered += u64::from(covered);
            c.out_of_system_work_covered += u64::from(flags != 0);
        }
    }
}

impl Metrics {
    /// Computes the metrics of a model (the thresholds of `config` apply: the
    /// required powers). The same metrics come with every [`crate::audit()`] report.
    pub fn compute(model: &Model, config: &Config) -> Metrics {
        crate::audit::metrics_only(model, config)
    }

    /// Builds the rows and roll-ups from the counts the rule passes gathered.
    pub(crate) fn finish(ctx: &Context, tally: Tally) -> Metrics {
        let model = ctx.model;
        let mut townships = Vec::with_capacity(ctx.townships.len());
        let mut levels: [(Vec<Area>, HashMap<Node, usize>); 4] = Default::default();
        let mut comparison = vec![
            Area::new("urban", "streets (街道)", "group"),
            Area::new("rural", "towns and townships (镇、乡)", "group"),
            Area::new("other", "zones and other township-level areas", "group"),
        ];
        let mut ups = Ups::new();
        for (row, &t) in ctx.townships.iter().enumerate() {
            let counts = tally.rows[row];
            let terr = model.territory(t).expect("townships are territories");
            let mut area = Area::new(model.id(t), model.name(t), terr.kind.as_str());
            area.add(counts, 1);
            let mut prev: Option<(usize, usize)> = None; // (level slot, index) of the last roll-up area met
            // The nearest ancestor of each roll-up level, nearest first: what a walk up the
            // parents meets first of each level, without walking (a territory tree may be as
            // deep as the model, under every street).
            let near = ups.of(model, t);
            let mut found: Vec<(u32, usize, Node)> = (0..4)
                .filter(|&s| near[s] != NOT_FOUND)
                .map(|s| (ups.depth(Node::new(near[s])), s, Node::new(near[s])))
                .collect();
            found.sort_unstable_by_key(|a| std::cmp::Reverse(a.0));
            for (_, slot, anc) in found {
                let (areas, index) = &mut levels[slot];
                let i = *index.entry(anc).or_insert_with(|| {
                    areas.push(Area::new(model.id(anc), model.name(anc), model.record(anc).kind_str()));
                    areas.len() - 1
                });
                areas[i].add(counts, 1);
                if area.parent.is_none() {
                    area.parent = Some(model.id(anc).to_string());
                }
                if let Some((s, r)) = prev
                    && levels[s].0[r].parent.is_none()
                {
                    levels[s].0[r].parent = Some(model.id(anc).to_string());
                }
                prev = Some((slot, i));
            }
            comparison[group(&terr.kind)].add(counts, 1);
            townships.push(area);
        }
        let [districts, cities, provinces, countries] = levels.map(|(mut areas, index)| {
            // Document order of the territories.
            let mut order: Vec<(Node, usize)> = index.into_iter().collect();
            order.sort_unstable();
            let mut sorted = Vec::with_capacity(areas.len());
            let mut taken: Vec<Option<Area>> = areas.drain(..).map(Some).collect();
            for (_, i) in order {
                if let Some(a) = taken[i].take() {
                    sorted.push(a);
                }
            }
            sorted
        });
        Metrics { townships, districts, cities, provinces, countries, comparison, unplaced_units: tally.unplaced }
    }

    /// The areas of one level: `Street` (streets/towns), `District`, `City`,
    /// `Province` or `Country`; empty for `Community` and `Grid`.
    pub fn areas(&self, level: Level) -> &[Area] {
        match level {
            Level::Street => &self.townships,
            Level::District => &self.districts,
            Level::City => &self.cities,
            Level::Province => &self.provinces,
            Level::Country => &self.countries,
            _ => &[],
        }
    }

    /// The metrics of one level as a table for people (see [`Metrics::areas`]).
    pub fn to_table(&self, level: Level) -> Table {
        table(self.areas(level))
    }

    /// The urban/rural comparison as a table for people.
    pub fn comparison_table(&self) -> Table {
        table(&self.comparison)
    }
}

/// The roll-up slot of a territory kind: district, city, province, country.
fn roll_up_slot(kind: &TerritoryKind) -> Option<usize> {
    match kind {
        TerritoryKind::District => Some(0),
        TerritoryKind::City => Some(1),
        TerritoryKind::Province => Some(2),
        TerritoryKind::Country => Some(3),
        _ => None,
    }
}

/// The urban/rural comparison group of a street/town's kind: 0 urban, 1 rural, 2 other.
pub(crate) fn group(kind: &TerritoryKind) -> usize {
    match kind {
        TerritoryKind::Street => 0,
        TerritoryKind::Town | TerritoryKind::Township => 1,
        _ => 2,
    }
}

/// "No ancestor of this level" in [`Ups`].
pub(crate) const NOT_FOUND: u32 = u32::MAX;

/// Per territory met, memoised: its depth in the tree and its nearest strict ancestor of
/// each roll-up level (district, city, province, country). Filled on demand, each territory
/// once, so rolling every street/town up stays linear however deep the tree; only the
/// street/towns and their ancestors are kept (a map, not a table over every record).
pub(crate) struct Ups {
    known: HashMap<Node, (u32, [u32; 4])>,
}

impl Ups {
    pub(crate) fn new() -> Ups {
        Ups { known: HashMap::new() }
    }

    /// The depth of a territory already met by [`Ups::of`].
    fn depth(&self, t: Node) -> u32 {
        self.known.get(&t).map_or(0, |k| k.0)
    }

    /// The nearest strict ancestor of each roll-up level of territory `t`.
    pub(crate) fn of(&mut self, model: &Model, t: Node) -> [u32; 4] {
        if let Some(k) = self.known.get(&t) {
            return k.1;
        }
        // Up to the first known territory (or the root), then fill downwards.
        let mut stack = vec![t];
        let mut cur = t;
        while let Some(p) = model.parent(cur) {
            if self.known.contains_key(&p) {
                break;
            }
            stack.push(p);
            cur = p;
        }
        while let Some(c) = stack.pop() {
            let entry = match model.parent(c) {
                None => (0, [NOT_FOUND; 4]),
                Some(p) => {
                    let (depth, mut near) = self.known[&p];
                    let kind = &model.territory(p).expect("parents are territories").kind;
                    if let Some(slot) = roll_up_slot(kind) {
                        near[slot] = p.index() as u32;
                    }
                    (depth + 1, near)
                }
            };
            self.known.insert(c, entry);
        }
        self.known[&t].1
    }
}

/// `83.3% (5/6)`, or `-` when the denominator is 0.
fn pct(n: u64, d: u64) -> String {
    if d == 0 { "-".to_string() } else { format!("{:.1}% ({n}/{d})", 100.0 * n as f64 / d as f64) }
}

fn table(areas: &[Area]) -> Table {
    let mut t = Table::new([
        "id",
        "name",
        "kind",
        "units",
        "org coverage",
        "with members",
        "in-system",
        "out-of-system",
        "work coverage",
        "dual registration",
        "block power",
        "matters with one lead",
    ]);
    for a in areas {
        let c = &a.counts;
        t.row([
            a.id.clone(),
            a.name.clone(),
            a.kind.clone(),
            c.units.to_string(),
            pct(c.units_covered, c.units),
            pct(c.units_with_members_covered, c.units_with_members),
            pct(c.in_system_covered, c.in_system_units),
            pct(c.out_of_system_covered, c.out_of_system_units),
            pct(c.out_of_system_work_covered, c.out_of_system_units),
            pct(c.party_orgs_registered, c.party_orgs_to_register),
            pct(c.agencies_with_required_powers, c.agencies),
            pct(c.matters_single_lead, c.matters),
        ]);
    }
    t
}

impl Model {
    /// The metrics of the model; see [`Metrics::compute`].
    pub fn metrics(&self, config: &Config) -> Metrics {
        Metrics::compute(self, config)
    }
}
