//! The audit as one self-contained HTML page: a report to hand to people who do
//! not use a terminal.
//!
//! [`to_html`] writes a single file with its style, script and charts inline
//! (no network: it opens offline, from a USB stick, from an e-mail). The page
//! drills down city → district → street → community with the totals at every
//! level, worst places first; filters findings by rule and severity; shows
//! each finding with its explanation (the rule's summary and source), message
//! and evidence; charts the metrics of the place shown (inline SVG); draws the
//! leadership chain of a unit a finding is about; and prints cleanly.
//!
//! The data is embedded once as compact JSON and rendered by the page's script
//! page by page (50 rows at a time), so a national model's report stays usable:
//! the totals are exact for every finding, while messages and evidence are
//! embedded for the first [`HtmlOptions::max_details`] findings, worst first
//! (the rest are listed by rule, subject and place, and the page says how many
//! it left out). Everything grows linearly with the model: each place and each
//! unit on a chain is written once.
//!
//! The page's logic is the template `core/src/report.html`.
//!
//! # Example
//! ```
//! use tiaokuai::{Model, html::{HtmlOptions, to_html}};
//! let model = Model::sample();
//! let report = model.audit(&Default::default());
//! let page = to_html(&model, &report, &HtmlOptions::default());
//! assert!(page.starts_with("<!DOCTYPE html>"));
//! assert!(page.contains("宝山区"));
//! // Nothing is fetched: no external script, style, image or font.
//! assert!(!page.contains("src=\"http") && !page.contains("href=\"http") && !page.contains("url(http"));
//! ```

use hashbrown::HashMap;
use serde::Serialize;

use crate::audit::{RULES, Report, Severity};
use crate::metrics::{Area, Rates};
use crate::model::{Level, Model, Node};
use crate::query::index::{NONE, upward};

/// The page template; its script reads the data from the `tk-data` element.
const TEMPLATE: &str = include_str!("report.html");
/// Where the data goes in [`TEMPLATE`] (inside a `<script type="application/json">`).
const DATA_MARK: &str = "/*TIAOKUAI-DATA*/";
/// Where the page title goes in [`TEMPLATE`].
const TITLE_MARK: &str = "<!--TIAOKUAI-TITLE-->";

/// Options of [`to_html`].
///
/// # Example
/// ```
/// use tiaokuai::html::HtmlOptions;
/// let options = HtmlOptions::default().max_details(1000).title("宝山区 2024");
/// assert_eq!(options.max_details, 1000);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HtmlOptions {
    /// How many findings (worst first) are embedded with their message and
    /// evidence; the others are embedded by rule, subject and place only. Totals
    /// count every finding either way. Default 20,000 (a city's audit fits; a
    /// national one stays a file a browser opens in seconds).
    pub max_details: usize,
    /// The page's title; the model's `meta.name` (or "tiaokuai audit") when `None`.
    pub title: Option<String>,
}

impl Default for HtmlOptions {
    fn default() -> Self {
        HtmlOptions { max_details: 20_000, title: None }
    }
}

impl HtmlOptions {
    /// Sets [`HtmlOptions::max_details`].
    pub fn max_details(mut self, n: usize) -> Self {
        self.max_details = n;
        self
    }

    /// Sets [`HtmlOptions::title`].
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }
}

/// The embedded data: arrays rather than objects, so a national report stays small.
#[derive(Serialize)]
struct Data<'a> {
    title: &'a str,
    version: &'static str,
    /// Per rule: code, name, severity it ran at (or null when off), summary, source, findings.
    rules: Vec<RuleRow>,
    /// Per place: id, name, kind, level, index of the parent place (-1 for none).
    places: Vec<(&'a str, &'a str, &'a str, Option<&'static str>, i64)>,
    /// Per unit on a drawn chain: id, name, kind, index of its leader (-1 for none).
    units: Vec<(&'a str, &'a str, &'a str, i64)>,
    /// Per finding, worst first: rule index, severity (0 error, 1 warning, 2 info), subject,
    /// subject's name, place index (-1 when it has none), unit index of the subject (-1
    /// when it is not a unit), then message and evidence. Past `max_details`: no name
    /// (""), message or evidence (null), and no chain unless one was written already.
    findings: Vec<FindingRow<'a>>,
    /// How many findings were embedded without message and evidence.
    without_details: usize,
    /// The names of the rates, in the order of `metrics` rows.
    rate_names: [&'static str; 8],
    /// Per area with metrics: place index, units, streets/towns summed, the eight rates.
    metrics: Vec<(i64, u64, u64, [Option<f64>; 8])>,
}

/// A rule's entry: code, name, severity (null when off), summary, source, findings.
type RuleRow = (&'static str, &'static str, Option<Severity>, &'static str, &'static str, usize);

/// A finding's entry (see [`Data::findings`]).
type FindingRow<'a> =
    (usize, u8, &'a str, &'a str, i64, i64, Option<&'a str>, Option<&'a crate::evidence::Evidence<'static>>);

/// The rank of a level for the drill-down: places deeper than communities are
/// shown at their community.
fn shown(level: Option<Level>) -> bool {
    matches!(level, Some(l) if l <= Level::Community)
}

/// Places on the drill-down, each added once with its ancestors (parents first).
struct Places<'m> {
    model: &'m Model,
    index: HashMap<Node, i64>,
    rows: Vec<(&'m str, &'m str, &'m str, Option<&'static str>, i64)>,
}

impl<'m> Places<'m> {
    /// The place shown for a territory: itself, or its nearest ancestor at community level or above.
    fn shown_place(&self, mut node: Node) -> Node {
        let start = node;
        loop {
            if shown(self.model.level(node)) {
                return node;
            }
            match self.model.parent(node) {
                Some(p) => node = p,
                // A custom place with no levelled ancestor is shown as it is.
                None => return start,
            }
        }
    }

    /// The index of a territory's place, adding it and its missing ancestors.
    fn add(&mut self, node: Node) -> i64 {
        let node = self.shown_place(node);
        if let Some(&i) = self.index.get(&node) {
            return i;
        }
        // Climb to the first ancestor already added (or the root), then add top-down.
        let mut path = vec![node];
        let mut cur = node;
        let mut parent = -1;
        while let Some(p) = self.model.parent(cur) {
            if let Some(&i) = self.index.get(&p) {
                parent = i;
                break;
            }
            path.push(p);
            cur = p;
        }
        for &n in path.iter().rev() {
            let i = self.rows.len() as i64;
            let r = self.model.record(n);
            self.rows.push((r.id(), r.name(), r.kind_str(), self.model.level(n).map(level_str), parent));
            self.index.insert(n, i);
            parent = i;
        }
        parent
    }

    /// True when `inner` is `outer` or lies inside it.
    fn within(&self, inner: Node, outer: Node) -> bool {
        inner == outer || self.model.ancestors(inner).any(|a| a == outer)
    }
}

/// The audit `report` of `model` as one self-contained HTML page; see the
/// [module documentation](self).
pub fn to_html(model: &Model, report: &Report, options: &HtmlOptions) -> String {
    let title = options.title.clone().or_else(|| model.title()).unwrap_or_else(|| "tiaokuai audit".to_string());
    let mut places = Places { model, index: HashMap::new(), rows: Vec::new() };

    // Metrics areas first, in document order, so the drill-down lists places as the model does.
    let mut metrics = Vec::new();
    let m = &report.metrics;
    for area in m.countries.iter().chain(&m.provinces).chain(&m.cities).chain(&m.districts).chain(&m.townships) {
        if let Some(node) = model.node(&area.id) {
            metrics.push((places.add(node), area.townships, area));
        }
    }
    metrics.sort_by_key(|(i, _, _)| *i);
    let metrics = metrics.into_iter().map(|(i, _, area)| (i, area.counts.units, area.townships, rates(area))).collect();

    // Findings worst first (stable: catalogue order within a severity).
    let mut order: Vec<usize> = (0..report.findings.len()).collect();
    order.sort_by_key(|&i| report.findings[i].severity);
    let up = upward(model);
    let mut unit_index: HashMap<Node, i64> = HashMap::new();
    let mut units = Vec::new();
    let mut findings = Vec::with_capacity(order.len());
    for (n, &i) in order.iter().enumerate() {
        let f = &report.findings[i];
        let rule = RULES.iter().position(|r| r.code == f.rule).unwrap_or(0);
        let subject = model.node(&f.subject);
        let township = f.territory.as_deref().and_then(|t| model.node(t));
        let located = subject.and_then(|s| match model.record(s) {
            crate::model::RecordRef::Territory(_) => Some(s),
            crate::model::RecordRef::Unit(u) => u.located_in,
            _ => None,
        });
        let place = match (located, township) {
            (Some(p), Some(t)) if !places.within(p, t) => Some(t),
            (Some(p), _) => Some(p),
            (None, t) => t,
        };
        let place = place.map_or(-1, |p| places.add(p));
        let details = n < options.max_details;
        // Past the limit a finding is listed by rule, subject id and place only: its name and
        // chain are left out too (a chain already written for another finding is still drawn).
        let unit = match subject {
            Some(s) if details && model.unit(s).is_some() => add_chain(model, up, s, &mut unit_index, &mut units),
            Some(s) => unit_index.get(&s).copied().unwrap_or(-1),
            None => -1,
        };
        let name = subject.filter(|_| details).map_or("", |s| model.name(s));
        findings.push((
            rule,
            f.severity as u8,
            f.subject.as_str(),
            name,
            place,
            unit,
            details.then_some(f.message.as_str()),
            details.then_some(&f.evidence),
        ));
    }

    let rules = report
        .summary
        .rules
        .iter()
        .zip(RULES)
        .map(|(c, r)| (r.code, r.name, c.severity, r.summary, r.source, c.findings))
        .collect();
    let data = Data {
        title: &title,
        version: env!("CARGO_PKG_VERSION"),
        rules,
        places: places.rows,
        units,
        without_details: report.findings.len().saturating_sub(options.max_details),
        findings,
        rate_names: RATE_NAMES,
        metrics,
    };
    let json = serde_json::to_string(&data).unwrap_or_default();
    // `<` only occurs inside JSON strings, where `\u003c` means the same: nothing in the
    // data can close the script element (`</script>`) or open a comment.
    let json = json.replace('<', "\\u003c");
    let mut page = String::with_capacity(TEMPLATE.len() + json.len() + title.len());
    let (head, rest) = TEMPLATE.split_once(TITLE_MARK).expect("the template has a title mark");
    let (middle, tail) = rest.split_once(DATA_MARK).expect("the template has a data mark");
    page.push_str(head);
    page.push_str(&escape(&title));
    page.push_str(middle);
    page.push_str(&json);
    page.push_str(tail);
    page
}

/// Adds `unit` and the units above it on its leadership line (each unit once), returning its index.
fn add_chain<'m>(
    model: &'m Model,
    up: &crate::query::index::Upward,
    unit: Node,
    index: &mut HashMap<Node, i64>,
    units: &mut Vec<(&'m str, &'m str, &'m str, i64)>,
) -> i64 {
    if let Some(&i) = index.get(&unit) {
        return i;
    }
    let rows = up.rows();
    let first = units.len();
    let mut added = Vec::new();
    let mut cur = unit;
    // Every unit is entered before its leader is looked at, so a cycle ends the walk.
    while !index.contains_key(&cur) {
        let r = model.record(cur);
        index.insert(cur, units.len() as i64);
        units.push((r.id(), r.name(), r.kind_str(), -1));
        added.push(cur);
        match rows[cur.index()].leader {
            NONE => break,
            l => cur = Node::new(l),
        }
    }
    for (i, node) in (first..).zip(added) {
        let l = rows[node.index()].leader;
        if l != NONE {
            units[i].3 = index.get(&Node::new(l)).copied().unwrap_or(-1);
        }
    }
    index[&unit]
}

/// The names of the eight rates ([`Rates`]), as the page shows them.
const RATE_NAMES: [&str; 8] = [
    "org_coverage",
    "org_coverage_with_members",
    "org_coverage_in_system",
    "org_coverage_out_of_system",
    "work_coverage",
    "dual_registration",
    "block_power",
    "matter_coverage",
];

fn rates(area: &Area) -> [Option<f64>; 8] {
    let Rates {
        org_coverage,
        org_coverage_with_members,
        org_coverage_in_system,
        org_coverage_out_of_system,
        work_coverage,
        dual_registration,
        block_power,
        matter_coverage,
    } = area.rates;
    [
        org_coverage,
        org_coverage_with_members,
        org_coverage_in_system,
        org_coverage_out_of_system,
        work_coverage,
        dual_registration,
        block_power,
        matter_coverage,
    ]
}

/// The word for a level, as the format writes it.
fn level_str(level: Level) -> &'static str {
    match level {
        Level::Country => "country",
        Level::Province => "province",
        Level::City => "city",
        Level::District => "district",
        Level::Street => "street",
        Level::Community => "community",
        Level::Grid => "grid",
    }
}

/// Escapes text for an HTML element or a quoted attribute (`& < > " '`), as the report
/// writes every piece of user data; the Python binding's HTML views use it too.
///
/// ```
/// assert_eq!(tiaokuai::html::escape(r#"<b title="x">A & B's</b>"#),
///            "&lt;b title=&quot;x&quot;&gt;A &amp; B&#39;s&lt;/b&gt;");
/// ```
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

impl Report {
    /// This report of `model` as one self-contained HTML page with the default
    /// [`HtmlOptions`]; see [`to_html`].
    ///
    /// # Example
    /// ```
    /// let model = tiaokuai::Model::sample();
    /// let page = model.audit(&Default::default()).to_html(&model);
    /// assert!(page.contains("<svg") || page.contains("tk-data"));
    /// ```
    pub fn to_html(&self, model: &Model) -> String {
        to_html(model, self, &HtmlOptions::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(page: &str) -> serde_json::Value {
        let start = page.find("id=\"tk-data\">").unwrap() + "id=\"tk-data\">".len();
        let end = start + page[start..].find("</script>").unwrap();
        serde_json::from_str(&page[start..end]).unwrap()
    }

    #[test]
    fn embeds_every_finding_worst_first_with_its_place() {
        let model = Model::sample();
        let report = model.audit(&Default::default());
        let page = to_html(&model, &report, &HtmlOptions::default());
        let d = data(&page);
        let findings = d["findings"].as_array().unwrap();
        assert_eq!(findings.len(), report.findings.len());
        let sev: Vec<u64> = findings.iter().map(|f| f[1].as_u64().unwrap()).collect();
        assert!(sev.windows(2).all(|w| w[0] <= w[1]), "{sev:?}");
        assert_eq!(sev.iter().filter(|&&s| s == 0).count(), report.summary.errors);
        // A finding on a street/town is placed inside it.
        let places = d["places"].as_array().unwrap();
        for f in &report.findings {
            let Some(t) = &f.territory else { continue };
            let row = findings.iter().find(|r| r[2] == f.subject.as_str() && r[6] == f.message.as_str()).unwrap();
            let mut p = row[4].as_i64().unwrap();
            let mut ids = vec![];
            while p >= 0 {
                ids.push(places[p as usize][0].as_str().unwrap());
                p = places[p as usize][4].as_i64().unwrap();
            }
            assert!(ids.contains(&t.as_str()), "{} {} placed at {ids:?}", f.rule, f.subject);
        }
    }

    #[test]
    fn details_stop_at_the_limit_but_every_finding_is_counted() {
        let model = Model::sample();
        let report = model.audit(&Default::default());
        let page = to_html(&model, &report, &HtmlOptions::default().max_details(3));
        let d = data(&page);
        let findings = d["findings"].as_array().unwrap();
        assert_eq!(findings.len(), report.findings.len());
        assert_eq!(findings.iter().filter(|f| f[6].is_string()).count(), 3);
        assert_eq!(d["without_details"], report.findings.len() - 3);
    }

    #[test]
    fn nothing_in_the_data_can_close_the_script() {
        let json = SAMPLE_WITH_SCRIPT;
        let model = Model::from_json(json).unwrap();
        let report = model.audit(&Default::default());
        let page = to_html(&model, &report, &HtmlOptions::default().title("<b>t</b>"));
        assert_eq!(page.matches("</script>").count(), TEMPLATE.matches("</script>").count());
        assert!(page.contains("<title>&lt;b&gt;t&lt;/b&gt;"));
        assert!(data(&page)["units"].to_string().contains("</script><script>alert(1)</script>"));
    }

    #[test]
    fn chains_are_written_once_and_end_at_a_cycle() {
        let model = Model::sample();
        let report = model.audit(&Default::default());
        let d = data(&to_html(&model, &report, &HtmlOptions::default()));
        let units = d["units"].as_array().unwrap();
        let ids: hashbrown::HashSet<&str> = units.iter().map(|u| u[0].as_str().unwrap()).collect();
        assert_eq!(ids.len(), units.len());
        // The sample's S001 cycle: gc-c03-wy and gc-c03-ywh lead each other.
        let at = |id: &str| units.iter().position(|u| u[0] == id).unwrap() as i64;
        assert_eq!(units[at("gc-c03-wy") as usize][3], at("gc-c03-ywh"));
        assert_eq!(units[at("gc-c03-ywh") as usize][3], at("gc-c03-wy"));
    }

    const SAMPLE_WITH_SCRIPT: &str = r#"{"format": "tiaokuai/1",
      "territories": [{"id": "t", "name": "</script><script>alert(1)</script>", "kind": "street"}],
      "units": [{"id": "u", "name": "</script><script>alert(1)</script>", "kind": "enterprise", "located_in": "t", "members": 4}],
      "links": []}"#;
}
