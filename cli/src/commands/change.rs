//! `tiaokuai apply` and `tiaokuai diff`: change sets (tiaokuai-change/1).

use std::process::ExitCode;

use tiaokuai::change::{ChangeSet, Summary, diff};
use tiaokuai::{Error, Model};

use super::{Failure, Out, file_output, load_owned, write_output};
use crate::Format;

/// Reads a change set from a file, or standard input for `-`.
fn load_change(path: &str) -> Result<ChangeSet, Failure> {
    let read = if path == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes).map_err(|e| e.to_string())?;
        ChangeSet::from_json_bytes(&bytes)
    } else {
        ChangeSet::load(path)
    };
    read.map_err(|e| match e {
        Error::Io { .. } => Failure::Message(e.to_string()),
        _ => Failure::Message(format!("{path}: {e}")),
    })
}

/// `tiaokuai apply MODEL CHANGE -o OUT`.
pub(super) fn apply(model: &str, change: &str, output: Option<&str>) -> Result<ExitCode, Failure> {
    let output = file_output(output)?;
    let mut after = load_owned(Some(model))?;
    let c = load_change(change)?;
    // The loaded model is ours alone: changed in place, the work grows with the change set.
    match after.apply_in_place(&c) {
        Ok(_) => {}
        Err(Error::Rejected { what, problems }) => {
            // One problem a line, each naming its section, index and id.
            let mut lines =
                vec![format!("{change}: {what} not applied, {} problem(s); nothing was written:", problems.len())];
            lines.extend(problems.iter().map(|p| format!("{change}: {p}")));
            return Err(Failure::Message(lines.join("\n")));
        }
        Err(e) => return Err(Failure::Message(format!("{change}: {e}"))),
    };
    let mut text = Vec::new();
    after.write_json(&mut text)?;
    write_output(output, &text)?;
    Ok(ExitCode::SUCCESS)
}

/// `tiaokuai diff A B` or `tiaokuai diff A --at D1 --to D2`.
pub(super) fn diff_cmd(
    a: &str,
    b: Option<&str>,
    to: Option<tiaokuai::Date>,
    at: Option<tiaokuai::Date>,
    format: Format,
    output: Option<&str>,
) -> Result<ExitCode, Failure> {
    let output = file_output(output)?;
    if format == Format::Csv {
        return Err(Failure::Usage("diff writes a table or JSON (--format table or json)".into()));
    }
    let first = load_owned(Some(a))?;
    // With --at, the records in force at the date (a snapshot); else the whole documents.
    let state = |m: &Model| -> Result<Model, Failure> { Ok(if at.is_some() { m.snapshot()? } else { m.whole() }) };
    let (ma, mb, label_b) = match (b, to) {
        (Some(_), Some(_)) => {
            return Err(Failure::Usage("give a second model or --to DATE, not both".into()));
        }
        (Some(b), None) => (state(&first)?, state(&load_owned(Some(b))?)?, b.to_string()),
        (None, Some(_)) if at.is_none() => {
            return Err(Failure::Usage(
                "--to DATE compares the model at --at DATE with itself at --to: give --at too".into(),
            ));
        }
        (None, Some(d)) => {
            let label = format!("{a} at {d}");
            (state(&first)?, first.at(d).snapshot()?, label)
        }
        (None, None) => {
            return Err(Failure::Usage("give a second model, or --to DATE to compare one model at two dates".into()));
        }
    };
    let label_a = match at {
        Some(d) => format!("{a} at {d}"),
        None => a.to_string(),
    };
    let change = diff(&ma, &mb);
    if format == Format::Json {
        return write_output(output, change.to_json().as_bytes()).map(|()| ExitCode::SUCCESS);
    }
    let text = render(&ma, &mb, &change, &label_a, &label_b);
    match output {
        Some(_) => write_output(output, text.as_bytes())?,
        None => {
            let mut out = Out::human();
            out.text(&text)?;
            out.done()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The diff for people: a stat line, then each group with ids, kinds and names.
fn render(a: &Model, b: &Model, change: &ChangeSet, label_a: &str, label_b: &str) -> String {
    let s = Summary::of(a, b, change);
    let mut out = String::new();
    let push = |out: &mut String, line: String| {
        out.push_str(&line);
        out.push('\n');
    };
    push(&mut out, format!("--- {label_a}\n+++ {label_b}"));
    push(
        &mut out,
        format!(
            "records: {} added, {} ended, {} removed, {} changed; links: {} added, {} ended, {} removed",
            s.added.len(),
            s.ended.len(),
            s.removed.len(),
            s.changed.len(),
            s.links_added.len(),
            s.links_ended.len(),
            s.links_removed.len()
        ),
    );
    let record = |m: &Model, id: &str| match m.get(id).or_else(|| m.find(id).map(|n| m.record(n))) {
        Some(r) => format!("{:<9} {:<14} {}", r.record_type().as_str(), id, r.name()),
        None => id.to_string(),
    };
    let name = |id: &str| {
        b.find(id)
            .or_else(|| a.find(id))
            .map(|n| if b.find(id).is_some() { b.name(n) } else { a.name(n) })
            .unwrap_or("")
    };
    let group = |out: &mut String, title: &str, lines: Vec<String>| {
        if !lines.is_empty() {
            push(out, format!("\n{title} ({})", lines.len()));
            for l in lines {
                push(out, format!("  {l}"));
            }
        }
    };
    group(&mut out, "added", s.added.iter().map(|id| format!("+ {}", record(b, id))).collect());
    group(
        &mut out,
        "ended",
        s.ended
            .iter()
            .map(|(id, on)| format!("] {}  (until {on})", record(if b.find(id).is_some() { b } else { a }, id)))
            .collect(),
    );
    group(&mut out, "removed", s.removed.iter().map(|id| format!("- {}", record(a, id))).collect());
    group(
        &mut out,
        "changed",
        s.changed
            .iter()
            .map(|(id, fields)| {
                let detail: Vec<String> = fields
                    .iter()
                    .map(|f| format!("{f}: {} -> {}", field_value(a, id, *f), field_value(b, id, *f)))
                    .collect();
                format!("~ {}\n      {}", record(b, id), detail.join("\n      "))
            })
            .collect(),
    );
    let link = |from: &str, kind: &str, to: &str| format!("{kind:<14} {from} {} -> {to} {}", name(from), name(to));
    group(
        &mut out,
        "links added",
        s.links_added.iter().map(|l| format!("+ {}", link(&l.from, l.kind.as_str(), &l.to))).collect(),
    );
    group(
        &mut out,
        "links ended",
        s.links_ended
            .iter()
            .map(|(l, on)| format!("] {}  (until {on})", link(&l.from, l.kind.as_str(), &l.to)))
            .collect(),
    );
    group(
        &mut out,
        "links removed",
        s.links_removed.iter().map(|l| format!("- {}", link(&l.from, l.kind.as_str(), &l.to))).collect(),
    );
    // Meetings (issue #15), only when some changed: a diff without them reads as before.
    if !(s.meetings_added.is_empty() && s.meetings_removed.is_empty() && s.meetings_changed.is_empty()) {
        push(
            &mut out,
            format!(
                "\nmeetings: {} added, {} removed, {} changed",
                s.meetings_added.len(),
                s.meetings_removed.len(),
                s.meetings_changed.len()
            ),
        );
        let meeting = |m: &Model, id: &str| match m.meetings().find(id) {
            Some(x) => {
                format!("{:<13} {:<14} {} {} {}", x.kind.as_str(), id, x.date, m.id(x.territory), m.name(x.territory))
            }
            None => id.to_string(),
        };
        group(&mut out, "meetings added", s.meetings_added.iter().map(|id| format!("+ {}", meeting(b, id))).collect());
        group(
            &mut out,
            "meetings removed",
            s.meetings_removed.iter().map(|id| format!("- {}", meeting(a, id))).collect(),
        );
        group(
            &mut out,
            "meetings changed",
            s.meetings_changed
                .iter()
                .map(|(id, fields)| {
                    let detail: Vec<String> = fields
                        .iter()
                        .map(|f| format!("{f}: {} -> {}", meeting_value(a, id, *f), meeting_value(b, id, *f)))
                        .collect();
                    format!("~ {}\n      {}", meeting(b, id), detail.join("\n      "))
                })
                .collect(),
        );
    }
    out
}

/// A field of a meeting as written in the format (`(none)` when absent).
fn meeting_value(m: &Model, id: &str, field: tiaokuai::change::Field) -> String {
    use tiaokuai::change::Field;
    let Some(x) = m.meetings().find(id) else { return "(none)".into() };
    let text = |s: &str| serde_json::Value::from(s).to_string();
    match field {
        Field::Kind => text(x.kind.as_str()),
        Field::Territory => text(m.id(x.territory)),
        Field::Date => text(&x.date.to_string()),
        Field::Convener => x.convener.map_or("(none)".into(), |c| text(m.id(c))),
        Field::Topics if x.topics.is_empty() => "(none)".into(),
        Field::Topics => serde_json::Value::from(x.topics.iter().map(|&t| m.id(t)).collect::<Vec<_>>()).to_string(),
        Field::Attrs => x.attrs.as_ref().map_or("(none)".into(), |a| a.as_json().to_string()),
        _ => "(none)".into(),
    }
}

/// A field of a record as written in the format (`(none)` when absent).
fn field_value(m: &Model, id: &str, field: tiaokuai::change::Field) -> String {
    let Some(n) = m.find(id) else { return "(none)".into() };
    let r = m.record(n);
    let doc = serde_json::to_value(RecordView(m, r)).unwrap_or_default();
    match doc.get(field.as_str()) {
        Some(v) => v.to_string(),
        None => "(none)".into(),
    }
}

/// A record as its JSON object (the model writer's form), for showing field values.
struct RecordView<'a>(&'a Model, tiaokuai::RecordRef<'a>);

impl serde::Serialize for RecordView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (m, r) = (self.0, self.1);
        let mut map = serde_json::Map::new();
        map.insert("name".into(), r.name().into());
        map.insert(
            if matches!(r, tiaokuai::RecordRef::Matter(_) | tiaokuai::RecordRef::Item(_)) { "list" } else { "kind" }
                .into(),
            r.kind_str().into(),
        );
        match r {
            tiaokuai::RecordRef::Territory(t) => {
                if let Some(p) = t.parent {
                    map.insert("parent".into(), m.id(p).into());
                }
            }
            tiaokuai::RecordRef::Unit(u) => {
                if let Some(x) = &u.sector {
                    map.insert("sector".into(), x.as_str().into());
                }
                if let Some(p) = u.located_in {
                    map.insert("located_in".into(), m.id(p).into());
                }
                for (k, v) in
                    [("members", u.members()), ("staff", u.staff()), ("in_service_members", u.in_service_members())]
                {
                    if let Some(v) = v {
                        map.insert(k.into(), v.into());
                    }
                }
            }
            tiaokuai::RecordRef::Matter(x) => {
                if let Some(c) = &x.category {
                    map.insert("category".into(), c.as_ref().into());
                }
            }
            _ => {}
        }
        if let Some(a) = r.attrs() {
            map.insert("attrs".into(), a.as_json().into());
        }
        let v = r.validity();
        if let Some(d) = v.since {
            map.insert("since".into(), d.to_string().into());
        }
        if let Some(d) = v.until {
            map.insert("until".into(), d.to_string().into());
        }
        serde::Serialize::serialize(&map, s)
    }
}
