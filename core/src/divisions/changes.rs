//! Code changes between two editions of the division tables (see [`Divisions::import_changes`]).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::{Divisions, TreeEntry, territory_spec};
use crate::error::{Error, Result};
use crate::model::{Attrs, Date, LinkKind, LinkSpec, Model, Precision, SuccessionEvent, Validity};

/// The kind words stripped from a name to find its stem, longest first
/// (`罗店镇` → `罗店`, `友谊路街道` → `友谊路`).
const KIND_WORDS: [&str; 22] = [
    "街道办事处",
    "地区办事处",
    "民族苏木",
    "自治县",
    "自治旗",
    "自治州",
    "自治区",
    "民族乡",
    "办事处",
    "街道",
    "苏木",
    "地区",
    "林区",
    "特区",
    "镇",
    "乡",
    "区",
    "县",
    "市",
    "旗",
    "盟",
    "省",
];

/// The stem of a division name: the name without its kind word (`镇`, `街道`, `乡`, …);
/// `None` when fewer than two characters would remain, too little to match on.
///
/// # Example
/// ```
/// use tiaokuai::divisions::name_stem;
/// assert_eq!(name_stem("罗店镇"), Some("罗店"));
/// assert_eq!(name_stem("友谊路街道"), Some("友谊路"));
/// assert_eq!(name_stem("马乡"), None);
/// ```
pub fn name_stem(name: &str) -> Option<&str> {
    let stem = KIND_WORDS.iter().find_map(|w| name.strip_suffix(w)).unwrap_or(name);
    (stem.chars().count() >= 2).then_some(stem)
}

/// One `succeeded_by` link an import across two lists recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CodeChange {
    /// The code in the previous list (it ends the day before the change).
    pub from: String,
    /// The code in the new list (it starts on the day of the change).
    pub to: String,
    /// `recode`, `merge` or `split`.
    pub event: SuccessionEvent,
}

/// Rows of the two lists that changed together but whose pairing the names do not
/// settle (several old rows and several new ones under one parent, tied by their names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Ambiguous {
    /// The codes only in the previous list.
    pub old: Vec<String>,
    /// The codes only in the new list.
    pub new: Vec<String>,
}

/// What [`Divisions::import_changes`] found between two lists: the successions it
/// recorded and what it left unmatched. Codes are in code order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DivisionChanges {
    /// The day (or period) the new codes took effect.
    pub changed_on: Date,
    /// Rows with the same code and name in both lists.
    pub unchanged: usize,
    /// Codes in both lists whose name changed (one record, under the new name).
    pub renamed: Vec<String>,
    /// The `succeeded_by` links recorded, in the order of their `from` codes.
    pub successions: Vec<CodeChange>,
    /// Codes only in the previous list that no new row succeeds (they just end).
    pub ended: Vec<String>,
    /// Codes only in the new list that succeed no old row (they just start).
    pub started: Vec<String>,
    /// Groups of rows that changed together in a way the names do not settle: each row
    /// ends or starts, and no link is recorded.
    pub ambiguous: Vec<Ambiguous>,
}

impl DivisionChanges {
    /// True when every row only in one list was paired with a row of the other.
    pub fn all_matched(&self) -> bool {
        self.ended.is_empty() && self.started.is_empty() && self.ambiguous.is_empty()
    }

    /// The account as JSON: `{"changed_on", "unchanged", "renamed", "successions":
    /// [{"from", "to", "event"}], "ended", "started", "ambiguous": [{"old", "new"}]}`.
    pub fn to_json(&self) -> serde_json::Value {
        let successions: Vec<serde_json::Value> = self
            .successions
            .iter()
            .map(|c| serde_json::json!({"from": c.from, "to": c.to, "event": c.event.as_str()}))
            .collect();
        serde_json::json!({
            "changed_on": self.changed_on.to_string(),
            "unchanged": self.unchanged,
            "renamed": self.renamed,
            "successions": successions,
            "ended": self.ended,
            "started": self.started,
            "ambiguous": self.ambiguous,
        })
    }

    /// A one-paragraph account for people: the counts, then what was left unmatched.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::divisions::Divisions;
    /// let (p, c) = ("code,name\n31,\"上海市\"\n", "code,name,provinceCode\n3101,\"市辖区\",31\n");
    /// let a = "code,name,cityCode,provinceCode\n310199,\"新河区\",3101,31\n";
    /// let s = "code,name,areaCode,provinceCode,cityCode\n";
    /// let old = Divisions::from_csv(p, c, a, &format!("{s}310199105,\"盛桥镇\",310199,31,3101\n"))?;
    /// let new = Divisions::from_csv(p, c, a, s)?;
    /// let (_, changes) = new.import_changes(&old, "310199", "2021".parse().unwrap())?;
    /// assert!(!changes.all_matched());
    /// assert_eq!(
    ///     changes.summary(),
    ///     "changes on 2021: 2 unchanged, 0 renamed, 0 recode, 0 merge and 0 split links; \
    ///      ended without a successor: 310199105"
    /// );
    /// assert_eq!(changes.to_json()["ended"][0], "310199105");
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn summary(&self) -> String {
        let count = |e: SuccessionEvent| self.successions.iter().filter(|c| c.event == e).count();
        let mut s = format!(
            "changes on {}: {} unchanged, {} renamed, {} recode, {} merge and {} split links",
            self.changed_on,
            self.unchanged,
            self.renamed.len(),
            count(SuccessionEvent::Recode),
            count(SuccessionEvent::Merge),
            count(SuccessionEvent::Split),
        );
        if !self.ended.is_empty() {
            s.push_str(&format!("; ended without a successor: {}", self.ended.join(", ")));
        }
        if !self.started.is_empty() {
            s.push_str(&format!("; started without a predecessor: {}", self.started.join(", ")));
        }
        for a in &self.ambiguous {
            s.push_str(&format!("; ambiguous, not linked: {} → {}", a.old.join(", "), a.new.join(", ")));
        }
        s
    }
}

/// A tiny union-find over the rows of one parent group.
fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

impl Divisions {
    /// Builds the territory tree of `prefix` from this (the new) list and records
    /// what changed since `previous`, a list of the same layout in force until the
    /// codes of this one took effect on `changed_on`.
    ///
    /// - A code in both lists is one territory, with this list's name. When the
    ///   name changed (a **rename**: same code, new name) it keeps no dates, and its
    ///   attrs record `"former_name"` and `"renamed_on"`.
    /// - A code only in `previous` gets `until` = the day before `changed_on`; a code
    ///   only in this list gets `since` = `changed_on`. (A reduced `changed_on` such
    ///   as `2021` is both the old rows' `until` and the new rows' `since`: the change
    ///   happened some day that year.)
    /// - Old-only and new-only rows of the same level under the same parent (an old
    ///   parent read through its own `recode` or `merge`) are tied when the
    ///   [stem](name_stem) of one's name occurs in the other's name. Each group of
    ///   tied rows gives `succeeded_by` links whose `event` says what the names show:
    ///   one old and one new row with the same stem → `recode` (`罗店镇` → `罗店镇`,
    ///   or `庙行乡` → `庙行镇`); several old rows and one new → `merge` (each old row
    ///   to the new one); one old row and several new → `split` (to each). Anything
    ///   else (several with several, or one with one whose stems differ) is
    ///   **ambiguous**: nothing is linked, and the group is reported.
    /// - Nothing is guessed from codes or order: a row whose name ties it to nothing
    ///   just ends or starts, and is reported.
    ///
    /// The links carry no dates of their own (the records' dates say when), so the
    /// model audits clean of T002 and T004. The meta adds `previous_source`,
    /// `changed_on` and, when something was left unmatched, `unmatched`
    /// (`{"ended": […], "started": […], "ambiguous": [{"old": […], "new": […]}]}`).
    ///
    /// # Errors
    /// As [`Divisions::tree`] for either list (an error about `previous` says so).
    ///
    /// # Example
    /// ```
    /// use tiaokuai::divisions::Divisions;
    /// use tiaokuai::{Date, SuccessionEvent};
    /// let p = "code,name\n31,\"上海市\"\n";
    /// let c = "code,name,provinceCode\n3101,\"市辖区\",31\n";
    /// let a = "code,name,cityCode,provinceCode\n310199,\"新河区\",3101,31\n";
    /// let s = "code,name,areaCode,provinceCode,cityCode\n";
    /// let old = Divisions::from_csv(p, c, a, &format!("{s}310199201,\"庙行乡\",310199,31,3101\n"))?;
    /// let new = Divisions::from_csv(p, c, a, &format!("{s}310199107,\"庙行镇\",310199,31,3101\n"))?;
    /// let (model, changes) = new.import_changes(&old, "310199", "2021-06-01".parse::<Date>().unwrap())?;
    /// assert_eq!(changes.successions[0].event, SuccessionEvent::Recode);
    /// let before = model.node("310199201").unwrap();
    /// assert_eq!(model.record(before).validity().until.unwrap().to_string(), "2021-05-31");
    /// let step = &model.successions(before)[0];
    /// assert_eq!(step.sentence(&model), "310199201 was recoded as 310199107 on 2021-06-01");
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn import_changes(
        &self,
        previous: &Divisions,
        prefix: &str,
        changed_on: Date,
    ) -> Result<(Model, DivisionChanges)> {
        let new_tree = self.tree(prefix)?;
        let old_tree = previous.tree(prefix).map_err(|e| match e {
            Error::Invalid { what, message } => {
                Error::Invalid { what, message: format!("in the previous list ({}): {message}", previous.source) }
            }
            other => other,
        })?;
        let (until, since) = match changed_on.precision() {
            Precision::Day => (changed_on.prev_day().unwrap_or(changed_on), changed_on),
            _ => (changed_on, changed_on),
        };

        let new_by_id: HashMap<&str, &TreeEntry<'_>> = new_tree.iter().map(|e| (e.id, e)).collect();
        let old_by_id: HashMap<&str, &TreeEntry<'_>> = old_tree.iter().map(|e| (e.id, e)).collect();
        let mut changes = DivisionChanges {
            changed_on,
            unchanged: 0,
            renamed: Vec::new(),
            successions: Vec::new(),
            ended: Vec::new(),
            started: Vec::new(),
            ambiguous: Vec::new(),
        };
        // Old code → the new code its parent-side identity continues as (same code, recode, merge).
        let mut continues: HashMap<&str, &str> = HashMap::new();
        for e in &old_tree {
            match new_by_id.get(e.id) {
                Some(n) if n.name == e.name => {
                    changes.unchanged += 1;
                    continues.insert(e.id, e.id);
                }
                Some(_) => {
                    changes.renamed.push(e.id.to_string());
                    continues.insert(e.id, e.id);
                }
                None => {}
            }
        }

        // Level by level, top down, so a parent's recode is known before its children are grouped.
        let mut levels: Vec<_> = old_tree.iter().chain(&new_tree).map(|e| e.level).collect();
        levels.sort();
        levels.dedup();
        for level in levels {
            // Parent (in new codes) → (old-only rows, new-only rows).
            let mut groups: BTreeMap<Option<&str>, (Vec<&TreeEntry<'_>>, Vec<&TreeEntry<'_>>)> = BTreeMap::new();
            for e in old_tree.iter().filter(|e| e.level == level && !new_by_id.contains_key(e.id)) {
                let parent = e.parent.map(|p| continues.get(p).copied().unwrap_or(p));
                groups.entry(parent).or_default().0.push(e);
            }
            for e in new_tree.iter().filter(|e| e.level == level && !old_by_id.contains_key(e.id)) {
                groups.entry(e.parent).or_default().1.push(e);
            }
            for (old, new) in groups.values() {
                match_group(old, new, &mut changes, &mut continues);
            }
        }
        changes.renamed.sort();
        changes.successions.sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));
        changes.ended.sort();
        changes.started.sort();
        changes.ambiguous.sort_by(|a, b| a.old.cmp(&b.old));

        // The model: the new tree, then the rows only in the previous list.
        let links = changes.successions.len();
        let mut b = crate::model::ModelBuilder::with_capacity(new_tree.len() + old_tree.len(), links);
        for e in &new_tree {
            let mut spec = territory_spec(e);
            match old_by_id.get(e.id) {
                Some(o) if o.name != e.name => {
                    let mut attrs = spec.attrs.as_ref().map(Attrs::to_map).unwrap_or_default();
                    attrs.insert("former_name".into(), o.name.into());
                    attrs.insert("renamed_on".into(), changed_on.to_string().into());
                    spec = spec.attrs(Attrs::from_map(&attrs));
                }
                Some(_) => {}
                None => spec.validity = Validity::new(Some(since), None),
            }
            b.territory(spec)?;
        }
        for e in old_tree.iter().filter(|e| !new_by_id.contains_key(e.id)) {
            let mut spec = territory_spec(e);
            spec.validity = Validity::new(None, Some(until));
            b.territory(spec)?;
        }
        for c in &changes.successions {
            b.link(LinkSpec::new(c.from.as_str(), c.to.as_str(), LinkKind::SucceededBy).event(c.event))?;
        }
        let mut extra =
            vec![("previous_source", previous.source.clone().into()), ("changed_on", changed_on.to_string().into())];
        if !changes.all_matched() {
            extra.push((
                "unmatched",
                serde_json::json!({"ended": changes.ended, "started": changes.started, "ambiguous": changes.ambiguous}),
            ));
        }
        b.meta(self.meta(prefix, &new_tree, &extra));
        Ok((b.build()?, changes))
    }
}

/// Pairs the old-only and new-only rows of one level under one parent.
fn match_group<'a>(
    old: &[&TreeEntry<'a>],
    new: &[&TreeEntry<'a>],
    changes: &mut DivisionChanges,
    continues: &mut HashMap<&'a str, &'a str>,
) {
    let n_old = old.len();
    let mut parent: Vec<usize> = (0..n_old + new.len()).collect();
    let tied = |a: &TreeEntry<'_>, b: &TreeEntry<'_>| {
        name_stem(a.name).is_some_and(|s| b.name.contains(s)) || name_stem(b.name).is_some_and(|s| a.name.contains(s))
    };
    for (i, o) in old.iter().enumerate() {
        for (j, n) in new.iter().enumerate() {
            if tied(o, n) {
                let (a, b) = (find(&mut parent, i), find(&mut parent, n_old + j));
                parent[a] = b;
            }
        }
    }
    let mut components: BTreeMap<usize, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
    for i in 0..n_old + new.len() {
        let root = find(&mut parent, i);
        let c = components.entry(root).or_default();
        if i < n_old { c.0.push(i) } else { c.1.push(i - n_old) }
    }
    for (os, ns) in components.values() {
        let link = |changes: &mut DivisionChanges, o: usize, n: usize, event: SuccessionEvent| {
            changes.successions.push(CodeChange { from: old[o].id.to_string(), to: new[n].id.to_string(), event });
        };
        match (os.as_slice(), ns.as_slice()) {
            ([o], []) => changes.ended.push(old[*o].id.to_string()),
            ([], [n]) => changes.started.push(new[*n].id.to_string()),
            ([o], [n]) if name_stem(old[*o].name) == name_stem(new[*n].name) => {
                link(changes, *o, *n, SuccessionEvent::Recode);
                continues.insert(old[*o].id, new[*n].id);
            }
            (os, [n]) if os.len() > 1 => {
                for &o in os {
                    link(changes, o, *n, SuccessionEvent::Merge);
                    continues.insert(old[o].id, new[*n].id);
                }
            }
            ([o], ns) if ns.len() > 1 => {
                for &n in ns {
                    link(changes, *o, n, SuccessionEvent::Split);
                }
            }
            (os, ns) => changes.ambiguous.push(Ambiguous {
                old: os.iter().map(|&o| old[o].id.to_string()).collect(),
                new: ns.iter().map(|&n| new[n].id.to_string()).collect(),
            }),
        }
    }
}
