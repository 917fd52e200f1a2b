//! The lower bound of `make compare`: the comparison's operations on plain
//! arrays of `u32`, read from the same CSV files as the other peers.
//!
//! `flat --data DIR --out FILE [--rounds N] [--runs N]`
//!
//! No names, no attributes, no evidence: per node its type, members, parent and
//! chosen leader; per relation the comparison needs, a compressed adjacency
//! (offsets + targets); and, built at load, the lead links applying per
//! (matter, territory) in a hash table (as tiaokuai builds on first query).
//! What it measures is how fast the answers can be had at all on this machine.
//! The operations and the checks are those of `benches/compare/shared.py`.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::Path;
use std::time::Instant;

use tiaokuai_benches::compare::{self, Args, Report, Sample, csv_rows, opt_u32, req_u32};

const NONE: u32 = u32::MAX;
const TERRITORY: u8 = 0;
const UNIT: u8 = 1;

/// Offsets and targets: the entries of node `i` are `items[offsets[i]..offsets[i + 1]]`.
struct Csr<T> {
    offsets: Vec<u32>,
    items: Vec<T>,
}

impl<T: Copy + Default> Csr<T> {
    /// From (node, entry) pairs, keeping each node's entries in the pairs' order.
    fn build(n: usize, pairs: &[(u32, T)]) -> Csr<T> {
        let mut offsets = vec![0u32; n + 1];
        for &(i, _) in pairs {
            offsets[i as usize + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut items = vec![T::default(); pairs.len()];
        for &(i, x) in pairs {
            items[fill[i as usize] as usize] = x;
            fill[i as usize] += 1;
        }
        Csr { offsets, items }
    }

    fn of(&self, i: u32) -> &[T] {
        &self.items[self.offsets[i as usize] as usize..self.offsets[i as usize + 1] as usize]
    }

    fn degree(&self, i: u32) -> u32 {
        self.offsets[i as usize + 1] - self.offsets[i as usize]
    }
}

/// A multiply-rotate hasher for the `u64` keys of the lead table (FxHash's step).
#[derive(Default)]
struct Fx(u64);

impl Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

struct Flat {
    kind: Vec<u8>,
    members: Vec<u32>,
    parent: Vec<u32>,
    children: Vec<u32>,
    /// The unit leading each unit on the leadership line (primary `leads` link first), or NONE.
    leader: Vec<u32>,
    /// Every `leads` link arriving at a unit: its source.
    leads_in: Csr<u32>,
    /// `party_org_of` links arriving (only the count is read).
    party_in: Csr<u32>,
    /// `jurisdiction` links arriving at a territory: the holder (only the count is read).
    holders: Csr<u32>,
    /// The lead links applying per (matter, territory): `lead_links[start..end]`, sorted.
    applied: HashMap<u64, (u32, u32), BuildHasherDefault<Fx>>,
    lead_links: Vec<u32>,
}

fn key(matter: u32, territory: u32) -> u64 {
    (u64::from(matter) << 32) | u64::from(territory)
}

fn load(data: &Path) -> Result<Flat, String> {
    let path = data.join("nodes.csv");
    let (mut kind, mut members, mut parent) = (Vec::new(), Vec::new(), Vec::new());
    csv_rows(&path, 6, |line, f| {
        let index = req_u32(&path, line, "index", f[0])?;
        if index as usize != kind.len() {
            return Err(compare::bad(&path, line, format!("index {index} out of order")));
        }
        kind.push(match f[2] {
            "territory" => TERRITORY,
            "unit" => UNIT,
            "matter" => 2,
            "item" => 3,
            other => return Err(compare::bad(&path, line, format!("type: unknown {other:?}"))),
        });
        members.push(opt_u32(&path, line, "members", f[4])?.unwrap_or(0));
        parent.push(opt_u32(&path, line, "parent", f[5])?.unwrap_or(NONE));
        Ok(())
    })?;
    let n = kind.len();
    let path = data.join("edges.csv");
    let mut leader = vec![NONE; n];
    let mut leader_primary = vec![false; n];
    let (mut leads, mut party, mut jurisdiction, mut resp, mut rows) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    csv_rows(&path, 7, |line, f| {
        let link = req_u32(&path, line, "link", f[0])?;
        let from = req_u32(&path, line, "from", f[1])?;
        let to = req_u32(&path, line, "to", f[2])?;
        if from as usize >= n || to as usize >= n {
            return Err(compare::bad(&path, line, "from/to: no such node"));
        }
        match f[3] {
            "leads" => {
                let t = to as usize;
                let primary = f[4] == "true";
                if leader[t] == NONE || (primary && !leader_primary[t]) {
                    leader[t] = from;
                    leader_primary[t] = primary;
                }
                leads.push((to, from));
            }
            "party_org_of" => party.push((to, from)),
            "jurisdiction" => jurisdiction.push((to, from)),
            "responsible" if f[5] == "lead" => match opt_u32(&path, line, "scope", f[6])? {
                Some(scope) => rows.push((to, scope, link)),
                None => resp.push((from, to, link)),
            },
            _ => {}
        }
        Ok(())
    })?;
    // The lead table: a scoped link applies at its scope, another at each territory its unit holds.
    let held = Csr::build(n, &jurisdiction.iter().map(|&(t, u)| (u, t)).collect::<Vec<_>>());
    for &(unit, matter, link) in &resp {
        rows.extend(held.of(unit).iter().map(|&t| (matter, t, link)));
    }
    rows.sort_unstable();
    rows.dedup();
    let mut applied = HashMap::default();
    let mut lead_links = Vec::with_capacity(rows.len());
    for group in rows.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        let start = lead_links.len() as u32;
        lead_links.extend(group.iter().map(|r| r.2));
        applied.insert(key(group[0].0, group[0].1), (start, lead_links.len() as u32));
    }
    let mut children = vec![0u32; n];
    for &p in &parent {
        if p != NONE {
            children[p as usize] += 1;
        }
    }
    Ok(Flat {
        leads_in: Csr::build(n, &leads),
        party_in: Csr::build(n, &party),
        holders: Csr::build(n, &jurisdiction),
        kind,
        members,
        parent,
        children,
        leader,
        applied,
        lead_links,
    })
}

impl Flat {
    /// The chain walk: the path from `unit` up the leader array, and whether it stopped at a cycle.
    fn walk(&self, unit: u32) -> (Vec<u32>, bool) {
        let mut path = Vec::with_capacity(8);
        path.push(unit);
        let mut cur = self.leader[unit as usize];
        while cur != NONE {
            if path.contains(&cur) {
                return (path, true);
            }
            path.push(cur);
            cur = self.leader[cur as usize];
        }
        (path, false)
    }

    /// Every unit reaching `unit` by `leads` links, `unit` excluded; `mark` and `epoch` make the visited set.
    fn ancestors(&self, unit: u32, mark: &mut [u32], epoch: u32, stack: &mut Vec<u32>) -> Vec<u32> {
        let mut out = Vec::new();
        mark[unit as usize] = epoch;
        stack.clear();
        stack.push(unit);
        while let Some(x) = stack.pop() {
            for &p in self.leads_in.of(x) {
                if mark[p as usize] != epoch {
                    mark[p as usize] = epoch;
                    out.push(p);
                    stack.push(p);
                }
            }
        }
        out
    }

    /// The dispatch-like lookup: the nearest territory from `territory` up where lead links for `matter`
    /// apply, one table lookup per territory.
    fn resolve(&self, matter: u32, territory: u32) -> (Option<u32>, Vec<u32>) {
        let mut x = territory;
        while x != NONE {
            if let Some(&(s, e)) = self.applied.get(&key(matter, x)) {
                return (Some(x), self.lead_links[s as usize..e as usize].to_vec());
            }
            x = self.parent[x as usize];
        }
        (None, Vec::new())
    }

    fn scan(&self) -> (usize, usize) {
        let mut orphan = 0;
        let mut nobody = 0;
        for i in 0..self.kind.len() {
            let n = i as u32;
            match self.kind[i] {
                UNIT if self.members[i] >= 3 && self.party_in.degree(n) == 0 => orphan += 1,
                TERRITORY if self.children[i] == 0 && self.holders.degree(n) == 0 => nobody += 1,
                _ => {}
            }
        }
        (orphan, nobody)
    }
}

fn run() -> Result<(), String> {
    let args = Args::parse()?;
    let start = Instant::now();
    let flat = load(&args.data)?;
    let load_s = start.elapsed().as_secs_f64();
    let sample = compare::read_sample(&args.data)?;
    let units: Vec<u32> = sample.iter().map(|s| s.unit).collect();
    let pairs: Vec<(u32, u32)> = sample.iter().map(|s: &Sample| (s.matter, s.territory)).collect();

    let mut report = Report::new("flat", "std only");
    report.set("load_s", load_s);

    // Warm-up passes: their answers are the checks.
    let paths: Vec<(Vec<u32>, bool)> = units.iter().map(|&u| flat.walk(u)).collect();
    let chain = compare::chain_check(paths.iter().map(|(p, c)| (&p[..], *c)));
    let mut mark = vec![0u32; flat.kind.len()];
    let mut stack = Vec::new();
    let mut epoch = 0u32;
    let sets: Vec<Vec<u32>> = units
        .iter()
        .map(|&u| {
            epoch += 1;
            flat.ancestors(u, &mut mark, epoch, &mut stack)
        })
        .collect();
    let ancestors = compare::ancestors_check(sets.iter().map(|s| &s[..]));
    let answers: Vec<(Option<u32>, Vec<u32>)> = pairs.iter().map(|&(m, t)| flat.resolve(m, t)).collect();
    let dispatch = compare::dispatch_check(answers.iter().map(|(at, l)| (*at, &l[..])));
    drop((paths, sets, answers));

    report.op("chain", compare::time_queries(&units, args.rounds, |u| flat.walk(u)), chain);
    let ns = compare::time_queries(&units, args.rounds, |u| {
        epoch = epoch.wrapping_add(1).max(1);
        flat.ancestors(u, &mut mark, epoch, &mut stack)
    });
    report.op("ancestors", ns, ancestors);
    report.op("dispatch", compare::time_queries(&pairs, args.rounds, |(m, t)| flat.resolve(m, t)), dispatch);
    let counts = flat.scan();
    let ns = compare::time_runs(args.runs, || flat.scan());
    report.op("scan", ns, serde_json::json!([counts.0, counts.1]));
    report.set("peak_rss_mib", compare::peak_rss_mib().unwrap_or(0.0));
    report.note(
        "flat: u32 arrays and offset tables read from the CSV; visited set of the ancestors a reused epoch array",
    );
    report.write(&args.out)
}

fn main() {
    if let Err(e) = run() {
        eprintln!("flat: {e}");
        std::process::exit(1);
    }
}
