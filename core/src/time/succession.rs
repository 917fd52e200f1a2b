//! Following `succeeded_by` links: a lookup of a superseded id at a later date.

use serde::Serialize;

use crate::{Date, Error, LinkId, LinkKind, Model, Node, Result, Status, SuccessionEvent};

/// One step of a succession: `from` was succeeded by `to` (a `succeeded_by` link).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Succession {
    /// The `succeeded_by` link.
    pub link: LinkId,
    /// The predecessor.
    pub from: Node,
    /// The successor.
    pub to: Node,
    /// What happened, when the link says.
    pub event: Option<SuccessionEvent>,
    /// When it happened: the link's `since`, else the successor's `since`, else the
    /// day after the predecessor's `until`; `None` when no date says.
    pub on: Option<Date>,
}

impl Succession {
    fn of(model: &Model, link: LinkId) -> Succession {
        let l = model.link(link);
        let on = l
            .validity
            .since
            .or_else(|| model.record(l.to).validity().since)
            .or_else(|| model.record(l.from).validity().until.and_then(Date::next_day));
        Succession { link, from: l.from, to: l.to, event: l.event, on }
    }

    /// The sentence "A was merged into B on 2020-06-01".
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{Model, time};
    /// let model = Model::from_json(r#"{"format": "tiaokuai/1", "territories": [
    ///   {"id": "old", "name": "旧", "kind": "street", "until": "2020-05-31"},
    ///   {"id": "new", "name": "新", "kind": "street", "since": "2020-06-01"}],
    ///   "links": [{"from": "old", "to": "new", "kind": "succeeded_by", "event": "merge"}]}"#)?;
    /// let step = &model.successions(model.find("old").unwrap())[0];
    /// assert_eq!(step.sentence(&model), "old was merged into new on 2020-06-01");
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn sentence(&self, model: &Model) -> String {
        let verb = self.event.as_ref().map_or("succeeded by", SuccessionEvent::past_tense);
        let on = self.on.map(|d| format!(" on {d}")).unwrap_or_default();
        format!("{} was {verb} {}{on}", model.id(self.from), model.id(self.to))
    }
}

/// A lookup of an id at the view's date: the record itself when it is in force (or
/// possibly in force), else the records in force that succeeded it, following
/// `succeeded_by` links across the document, with the steps taken.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Resolution {
    /// The record asked for.
    pub asked: Node,
    /// The records to answer for: `[asked]` when it is in the view; its successors in
    /// the view when it is not (several after a split); empty when no successor is.
    pub nodes: Vec<Node>,
    /// The successions followed, in the order taken (empty when `asked` is in the view).
    pub via: Vec<Succession>,
}

impl Resolution {
    /// True when the answer is for other records than the one asked for.
    pub fn followed(&self) -> bool {
        !self.via.is_empty() && !self.nodes.is_empty()
    }

    /// The note a program prints when it answers for successors
    /// ("310113003 was merged into 310113099 on 2020-06-01; answering for 310113099"),
    /// `None` when it answers for the record asked for.
    pub fn note(&self, model: &Model) -> Option<String> {
        if !self.followed() {
            return None;
        }
        let steps: Vec<String> = self.via.iter().map(|s| s.sentence(model)).collect();
        let answers: Vec<&str> = self.nodes.iter().map(|&n| model.id(n)).collect();
        Some(format!("{}; answering for {}", steps.join(", then "), answers.join(" and ")))
    }

    /// The `resolved_from` object of JSON answers: the id asked for and the steps.
    pub fn resolved_from(&self, model: &Model) -> serde_json::Value {
        #[derive(Serialize)]
        struct Step<'a> {
            from: &'a str,
            to: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            event: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            on: Option<String>,
        }
        let via: Vec<Step<'_>> = self
            .via
            .iter()
            .map(|s| Step {
                from: model.id(s.from),
                to: model.id(s.to),
                event: s.event.as_ref().map(|e| e.as_str()),
                on: s.on.map(|d| d.to_string()),
            })
            .collect();
        serde_json::json!({ "id": model.id(self.asked), "via": via })
    }
}

impl Model {
    /// The successions out of a record (its `succeeded_by` links, in document order,
    /// whatever the view's date).
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{Model, SuccessionEvent};
    /// let model = Model::from_json(r#"{"format": "tiaokuai/1", "territories": [
    ///   {"id": "a", "name": "A", "kind": "street", "until": "2020-05-31"},
    ///   {"id": "b", "name": "B", "kind": "street", "until": "2020-05-31"},
    ///   {"id": "ab", "name": "AB", "kind": "street", "since": "2020-06-01"}],
    ///   "links": [{"from": "a", "to": "ab", "kind": "succeeded_by", "event": "merge"},
    ///             {"from": "b", "to": "ab", "kind": "succeeded_by", "event": "merge"}]}"#)?;
    /// let a = model.find("a").unwrap();
    /// assert_eq!(model.successions(a)[0].event, Some(SuccessionEvent::Merge));
    /// assert_eq!(model.predecessions(model.find("ab").unwrap()).len(), 2);
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn successions(&self, node: Node) -> Vec<Succession> {
        self.document_links_from(node)
            .filter(|(_, l)| l.kind == LinkKind::SucceededBy)
            .map(|(id, _)| Succession::of(self, id))
            .collect()
    }

    /// The successions into a record (what it succeeded), whatever the view's date.
    pub fn predecessions(&self, node: Node) -> Vec<Succession> {
        self.document_links_to(node)
            .filter(|(_, l)| l.kind == LinkKind::SucceededBy)
            .map(|(id, _)| Succession::of(self, id))
            .collect()
    }
}

/// Looks an id up at the model's date, following successions when the record is out
/// of force there (see [`Resolution`]). Never silent: the caller says so when
/// [`Resolution::followed`] (the CLI prints [`Resolution::note`] on standard error
/// and adds `resolved_from` to JSON answers).
///
/// # Errors
/// [`Error::UnknownId`] when no record has the id.
///
/// # Example
/// ```
/// use tiaokuai::{Model, time};
/// let model = Model::from_json(r#"{"format": "tiaokuai/1", "territories": [
///   {"id": "310113003", "name": "旧", "kind": "street", "until": "2020-05-31"},
///   {"id": "310113099", "name": "新", "kind": "street", "since": "2020-06-01"}],
///   "links": [{"from": "310113003", "to": "310113099", "kind": "succeeded_by", "event": "merge"}]}"#)?;
/// let later = model.at("2021".parse().unwrap());
/// let r = time::resolve(&later, "310113003")?;
/// assert_eq!(r.nodes, vec![later.find("310113099").unwrap()]);
/// assert_eq!(r.note(&later).unwrap(),
///     "310113003 was merged into 310113099 on 2020-06-01; answering for 310113099");
/// let before = model.at("2019".parse().unwrap());
/// assert!(!time::resolve(&before, "310113003")?.followed());
/// # Ok::<(), tiaokuai::Error>(())
/// ```
pub fn resolve(model: &Model, id: &str) -> Result<Resolution> {
    let asked = model.find(id).ok_or_else(|| Error::UnknownId { id: id.to_string() })?;
    let mut out = Resolution { asked, nodes: Vec::new(), via: Vec::new() };
    if model.status(asked) != Status::OutOfForce {
        out.nodes.push(asked);
        return Ok(out);
    }
    // Breadth-first over succeeded_by links; each record is visited once (a loop is
    // refused at load time, but the walk does not rely on it).
    let mut seen = vec![false; model.len()];
    seen[asked.index()] = true;
    let mut queue = std::collections::VecDeque::from([asked]);
    while let Some(n) = queue.pop_front() {
        for step in model.successions(n) {
            if std::mem::replace(&mut seen[step.to.index()], true) {
                continue;
            }
            let to = step.to;
            out.via.push(step);
            if model.status(to) == Status::OutOfForce {
                queue.push_back(to);
            } else {
                out.nodes.push(to);
            }
        }
    }
    // Keep only the steps on a path to an answer.
    let mut useful = vec![false; model.len()];
    for &n in &out.nodes {
        useful[n.index()] = true;
    }
    for s in out.via.iter().rev() {
        if useful[s.to.index()] {
            useful[s.from.index()] = true;
        }
    }
    out.via.retain(|s| useful[s.to.index()]);
    Ok(out)
}
