//! Synthetic case logs with an answer key.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::Write;

use super::read::date_of_day;
use super::{Class, Lead, Views, lead_of};
use crate::generate::Rng;
use crate::{Date, Error, Level, Model, Node};

/// What [`generate`] makes: how many cases, over which days, and the shares of each
/// kind of case (each share of all cases; the rest are routed right at once).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GenerateOptions {
    /// Cases.
    pub cases: u64,
    /// The seed: the same model, options and seed give the same log.
    pub seed: u64,
    /// The first report day.
    pub start: Date,
    /// Reports are spread evenly over this many days.
    pub days: u32,
    /// Cases in a gap (a matter and place with no lead or several leads).
    pub gap: f64,
    /// Cases sent to a unit that is not the lead and kept there (misrouted).
    pub misrouted: f64,
    /// Cases sent to a wrong unit, returned, and re-sent to the lead (right, one return).
    pub returned: f64,
    /// Cases sent to the lead, returned, sent to another unit, returned, and sent back
    /// to the lead (right, two returns, an A→B→A cycle).
    pub cycle: f64,
    /// Cases never closed (open at the end of the log).
    pub open: f64,
}

impl GenerateOptions {
    /// `cases` cases from 2024-01-01 over 365 days, with 5 % gaps, 8 % misrouted, 10 %
    /// returned once, 3 % cycles and 2 % left open.
    ///
    /// ```
    /// let o = tiaokuai::cases::GenerateOptions::new(100, 7);
    /// assert_eq!((o.cases, o.seed, o.days), (100, 7, 365));
    /// ```
    pub fn new(cases: u64, seed: u64) -> Self {
        GenerateOptions {
            cases,
            seed,
            start: Date::new(2024, 1, 1).expect("a real date"),
            days: 365,
            gap: 0.05,
            misrouted: 0.08,
            returned: 0.10,
            cycle: 0.03,
            open: 0.02,
        }
    }
}

/// What a generated log holds: the answer the replay must find.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Generated {
    /// Cases written.
    pub cases: u64,
    /// Event rows written.
    pub events: u64,
    /// Cases by class, in [`Class::ALL`] order.
    pub classes: [u64; 6],
    /// `returned` events.
    pub returns: u64,
    /// Cases with an A→B→A cycle.
    pub cycles: u64,
    /// Cases left open.
    pub open: u64,
}

impl Generated {
    /// The number of cases of a class.
    ///
    /// ```
    /// use tiaokuai::cases::{Class, Generated};
    /// assert_eq!(Generated::default().count(Class::Right), 0);
    /// ```
    pub fn count(&self, class: Class) -> u64 {
        self.classes[Class::ALL.iter().position(|c| *c == class).unwrap_or(0)]
    }

    /// The counts as a JSON object: `cases`, `events`, `returns`, `cycles`, `open` and one
    /// key per class (`right`, `misrouted`, …), as the Python, C and Java bindings return them.
    ///
    /// ```
    /// use tiaokuai::cases::{self, GenerateOptions};
    /// let mut log = Vec::new();
    /// let made = cases::generate(&tiaokuai::Model::sample(), &GenerateOptions::new(50, 1), &mut log, None)?;
    /// let json = made.to_json();
    /// assert_eq!(json["cases"], 50);
    /// assert_eq!(json["right"], made.count(cases::Class::Right));
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn to_json(&self) -> serde_json::Value {
        let mut counts = serde_json::Map::new();
        counts.insert("cases".into(), self.cases.into());
        counts.insert("events".into(), self.events.into());
        counts.insert("returns".into(), self.returns.into());
        counts.insert("cycles".into(), self.cycles.into());
        counts.insert("open".into(), self.open.into());
        for class in Class::ALL {
            counts.insert(class.as_str().into(), self.count(class).into());
        }
        serde_json::Value::Object(counts)
    }
}

/// [`generate`] into files: the log at `log` and, when given, the answer key at `key`, each
/// written atomically (a temporary file renamed into place, never through a symbolic link or
/// onto a device, see [`crate::format::write_atomic`]): neither is ever left half-written.
///
/// # Errors
/// As [`generate`], and [`Error::Io`] for a path that cannot be written.
///
/// # Example
/// ```
/// use tiaokuai::cases::{self, GenerateOptions};
/// let dir = std::env::temp_dir().join(format!("tiaokuai-doc-generate-to-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let (log, key) = (dir.join("log.csv"), dir.join("key.csv"));
/// let made = cases::generate_to(&tiaokuai::Model::sample(), &GenerateOptions::new(20, 1), &log, Some(&key))?;
/// assert_eq!(std::fs::read_to_string(&key)?.lines().count() as u64, made.cases + 1); // and a header
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn generate_to(
    model: &Model,
    options: &GenerateOptions,
    log: &std::path::Path,
    key: Option<&std::path::Path>,
) -> Result<Generated, Error> {
    let mut made = None;
    crate::format::write_atomic(log, |w| {
        made = Some(generate_keyed(model, options, w, key)?);
        Ok(())
    })?;
    Ok(made.expect("written"))
}

/// [`generate`] with the log written to `log` (standard output, say) and the answer key, when
/// given, to the file `key`, atomically (as [`generate_to`] writes it).
///
/// # Errors
/// As [`generate`], and [`Error::Io`] for a key path that cannot be written.
///
/// # Example
/// ```
/// use tiaokuai::cases::{self, GenerateOptions};
/// let key = std::env::temp_dir().join(format!("tiaokuai-doc-generate-keyed-{}.csv", std::process::id()));
/// let mut log = Vec::new();
/// let made = cases::generate_keyed(&tiaokuai::Model::sample(), &GenerateOptions::new(20, 1), &mut log, Some(&key))?;
/// assert_eq!(std::fs::read_to_string(&key)?.lines().count() as u64, made.cases + 1);
/// assert!(String::from_utf8(log)?.starts_with("case,at,event"));
/// std::fs::remove_file(&key)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn generate_keyed(
    model: &Model,
    options: &GenerateOptions,
    log: &mut dyn Write,
    key: Option<&std::path::Path>,
) -> Result<Generated, Error> {
    let Some(key) = key else { return generate(model, options, log, None) };
    let mut made = None;
    crate::format::write_atomic(key, |k| {
        made = Some(generate(model, options, log, Some(k))?);
        Ok(())
    })?;
    Ok(made.expect("written"))
}

/// An event waiting to be written (events are written in time order).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Pending {
    secs: i64,
    seq: u64,
    case: u64,
    event: u8,
    unit: Option<Node>,
    place: Option<(Node, Node)>,
    satisfaction: u8,
}

const EVENT_WORDS: [&str; 5] = ["reported", "dispatched", "returned", "handled", "closed"];

fn stamp_text(secs: i64) -> String {
    let day = secs.div_euclid(86_400);
    let s = secs.rem_euclid(86_400);
    format!("{}T{:02}:{:02}:{:02}", date_of_day(day), s / 3600, s / 60 % 60, s % 60)
}

/// Writes a synthetic case log (CSV, one event per row, in time order, local times) for
/// `model`, and, when `key` is given, its answer key (CSV: `case, class, leads, unit,
/// returns, cycle, closed`). The classes are those the duty lists give at each case's
/// report date, found with the same query the replay uses ([`crate::resolve_leads`]); a
/// model without a matter-territory pair of a kind (no gap anywhere) gets right cases
/// in their place, and the key and the returned counts say what was written.
///
/// Memory holds the cases open at once, not the log.
///
/// # Errors
/// [`Error::Invalid`] when the model has no matter, territory or unit; [`Error::Io`]
/// when writing fails.
///
/// # Example
/// ```
/// use tiaokuai::cases::{self, Class, GenerateOptions};
/// let model = tiaokuai::Model::sample();
/// let mut log = Vec::new();
/// let made = cases::generate(&model, &GenerateOptions::new(200, 1), &mut log, None)?;
/// let result = cases::analyse(&model, log.as_slice(), "log.csv", &Default::default())?;
/// assert_eq!(result.summary.all.right, made.count(Class::Right));
/// assert_eq!(result.summary.all.returns, made.returns);
/// # Ok::<(), tiaokuai::Error>(())
/// ```
pub fn generate(
    model: &Model,
    options: &GenerateOptions,
    log: &mut dyn Write,
    mut key: Option<&mut dyn Write>,
) -> Result<Generated, Error> {
    let whole = model.whole();
    let io = |e: std::io::Error| Error::Io { path: "case log".into(), message: e.to_string(), io_kind: e.kind() };
    let mut places: Vec<Node> = whole
        .territories()
        .map(|(n, _)| n)
        .filter(|&n| matches!(whole.level(n), Some(Level::Community | Level::Grid)))
        .collect();
    if places.is_empty() {
        places = whole.territories().map(|(n, _)| n).collect();
    }
    let matters: Vec<Node> = whole.matters().map(|(n, _)| n).collect();
    let units: Vec<Node> = whole.units().map(|(n, _)| n).collect();
    if places.is_empty() || matters.is_empty() || units.len() < 2 {
        return Err(Error::Invalid {
            what: "case generator".into(),
            message: "the model needs territories, matters and at least two units".into(),
        });
    }
    let mut rng = Rng::new(options.seed ^ 0x6361_7365_7321);
    let mut views = Views::new(model, &whole, None, None);
    let mut heap: BinaryHeap<Reverse<Pending>> = BinaryHeap::new();
    let mut made = Generated::default();
    let mut seq = 0u64;
    let start = options.start.days() * 86_400;
    writeln!(log, "case,at,event,matter,territory,unit,source,satisfaction").map_err(io)?;
    if let Some(k) = key.as_deref_mut() {
        writeln!(k, "case,class,leads,unit,returns,cycle,closed").map_err(io)?;
    }
    let n = options.cases;
    let pick = |rng: &mut Rng, xs: &[Node]| xs[rng.below(xs.len() as u32) as usize];
    for i in 0..n {
        // Report times spread evenly over the days, in office hours, in case order (so
        // the log is in time order: every event waits in the heap until a later report).
        let pos = u128::from(i) * u128::from(options.days.max(1));
        let (day, frac) = ((pos / u128::from(n)) as i64, (pos % u128::from(n)) as i64);
        let reported = start + day * 86_400 + 8 * 3600 + (i128::from(frac) * 12 * 3600 / i128::from(n)) as i64;
        let date = date_of_day(reported.div_euclid(86_400));
        // Flush what happened before this report.
        while heap.peek().is_some_and(|Reverse(p)| p.secs <= reported) {
            let Reverse(p) = heap.pop().expect("peeked");
            write_event(log, &whole, &p)?;
            made.events += 1;
        }
        let (_, view) = views.view(date);
        let want_gap = rng.chance(options.gap);
        let mut found = None;
        for _ in 0..64 {
            let (m, t) = (pick(&mut rng, &matters), pick(&mut rng, &places));
            if view.status(m) == crate::model::Status::OutOfForce || view.status(t) == crate::model::Status::OutOfForce
            {
                continue;
            }
            let lead = lead_of(view, m, t);
            if want_gap != matches!(lead, Lead::One(_)) {
                found = Some((m, t, lead));
                break;
            }
            if found.is_none() {
                found = Some((m, t, lead)); // a fallback of the other kind
            }
        }
        let Some((m, t, lead)) = found else { continue };
        let other = |rng: &mut Rng, not: Option<Node>| loop {
            let u = pick(rng, &units);
            if Some(u) != not && view.status(u) != crate::model::Status::OutOfForce {
                break u;
            }
        };
        let (class, route): (Class, Vec<Node>) = match lead {
            Lead::One(l) => {
                let r = rng.unit();
                let (a, b, c) = (
                    options.misrouted,
                    options.misrouted + options.returned,
                    options.misrouted + options.returned + options.cycle,
                );
                if r < a {
                    (Class::Misrouted, vec![other(&mut rng, Some(l))])
                } else if r < b {
                    (Class::Right, vec![other(&mut rng, Some(l)), l])
                } else if r < c {
                    (Class::Right, vec![l, other(&mut rng, Some(l)), l])
                } else {
                    (Class::Right, vec![l])
                }
            }
            Lead::None => (Class::GapNoLead, vec![other(&mut rng, None)]),
            Lead::Several(ref us) => (Class::GapSeveralLeads, vec![us[rng.below(us.len() as u32) as usize]]),
            Lead::Unknown => continue,
        };
        let case = made.cases;
        made.cases += 1;
        made.classes[Class::ALL.iter().position(|c| *c == class).unwrap_or(0)] += 1;
        let mut push = |secs: i64, event: u8, unit: Option<Node>, place: Option<(Node, Node)>, sat: u8| {
            seq += 1;
            heap.push(Reverse(Pending { secs, seq, case, event, unit, place, satisfaction: sat }));
        };
        push(reported, 0, None, Some((m, t)), 0);
        let mut at = reported;
        let returns = route.len() as u64 - 1;
        for (j, &u) in route.iter().enumerate() {
            at += 1800 + i64::from(rng.below(36 * 3600));
            push(at, 1, Some(u), None, 0);
            if j + 1 < route.len() {
                at += 3600 + i64::from(rng.below(24 * 3600));
                push(at, 2, Some(u), None, 0);
            }
        }
        made.returns += returns;
        let cycle = route.len() == 3;
        made.cycles += u64::from(cycle);
        let open = rng.chance(options.open);
        if open {
            made.open += 1;
        } else {
            at += 3600 + i64::from(rng.below(12 * 86_400));
            push(at, 3, route.last().copied(), None, 0);
            at += 600 + i64::from(rng.below(4 * 86_400));
            push(at, 4, None, None, 1 + rng.below(5) as u8);
        }
        if let Some(k) = key.as_deref_mut() {
            let leads = match &lead {
                Lead::One(l) => whole.id(*l).to_string(),
                Lead::Several(us) => us.iter().map(|&u| whole.id(u)).collect::<Vec<_>>().join(";"),
                _ => String::new(),
            };
            let unit = route.last().map(|&u| whole.id(u)).unwrap_or_default();
            writeln!(k, "C{case:08},{},{leads},{unit},{returns},{cycle},{}", class.as_str(), !open).map_err(io)?;
        }
    }
    while let Some(Reverse(p)) = heap.pop() {
        write_event(log, &whole, &p)?;
        made.events += 1;
    }
    Ok(made)
}

fn write_event(w: &mut dyn Write, model: &Model, p: &Pending) -> Result<(), Error> {
    let io = |e: std::io::Error| Error::Io { path: "case log".into(), message: e.to_string(), io_kind: e.kind() };
    let (m, t) = p.place.map(|(m, t)| (model.id(m), model.id(t))).unwrap_or(("", ""));
    let unit = p.unit.map(|u| model.id(u)).unwrap_or("");
    let source = if p.event == 0 { if p.case.is_multiple_of(3) { "patrol" } else { "hotline" } } else { "" };
    let sat = if p.satisfaction > 0 { p.satisfaction.to_string() } else { String::new() };
    writeln!(
        w,
        "C{:08},{},{},{},{},{},{},{}",
        p.case,
        stamp_text(p.secs),
        EVENT_WORDS[usize::from(p.event)],
        csv_field(m),
        csv_field(t),
        csv_field(unit),
        source,
        sat
    )
    .map_err(io)
}

/// Quotes a CSV field when it needs it.
fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")).into() } else { s.into() }
}
