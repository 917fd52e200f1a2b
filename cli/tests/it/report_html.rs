//! `tiaokuai report` opened in a real browser: headless Chromium runs the page's
//! script, and the totals, the drill-down rows, the filters and the chain it
//! shows are checked against `tiaokuai audit --format json` and `tiaokuai chain`.
//! A screenshot is kept in the target folder (`report-screenshot.png`).
//!
//! Skips, saying so, when no Chromium is installed, except under
//! `TIAOKUAI_REQUIRE_TOOLS=1` (CI), where a missing browser is a failure.
//! `TIAOKUAI_CHROMIUM` names the browser binary when it is not `chromium`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn tiaokuai(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_tiaokuai")).args(args).current_dir(root()).output().unwrap();
    assert!(o.status.success(), "tiaokuai {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// The browser, or `None` (after saying why) when the test should skip.
fn chromium() -> Option<String> {
    let names = std::env::var("TIAOKUAI_CHROMIUM")
        .map(|n| vec![n])
        .unwrap_or_else(|_| ["chromium", "chromium-browser", "google-chrome"].map(String::from).to_vec());
    for name in &names {
        let found = Command::new(name)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if found {
            return Some(name.clone());
        }
    }
    if std::env::var("TIAOKUAI_REQUIRE_TOOLS").as_deref() == Ok("1") {
        panic!(
            "TIAOKUAI_REQUIRE_TOOLS=1 but no Chromium found (tried {names:?}): install the Debian package `chromium`"
        );
    }
    eprintln!("skipped: no Chromium found (tried {names:?}); install the Debian package `chromium` to run this test");
    None
}

struct Browser {
    bin: String,
    dir: PathBuf,
    page: PathBuf,
}

impl Browser {
    /// Runs headless Chromium on the page with `args`, at most 120 s, and returns its standard output.
    fn run(&self, args: &[&str], hash: &str) -> String {
        static RUNS: AtomicUsize = AtomicUsize::new(0);
        let profile = self.dir.join(format!("profile-{}", RUNS.fetch_add(1, Ordering::Relaxed)));
        std::fs::create_dir_all(&profile).unwrap();
        let url = format!("file://{}#{hash}", self.page.display());
        let mut child = Command::new(&self.bin)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(args)
            .arg(&url)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium starts");
        let mut out = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut out, &mut s).unwrap();
            s
        });
        let start = Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                assert!(status.success(), "chromium {args:?} {url}: {status}");
                break;
            }
            if start.elapsed() > Duration::from_secs(120) {
                let _ = child.kill();
                panic!("chromium {args:?} {url} did not finish in 120 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        reader.join().unwrap()
    }

    /// The page's DOM after its script ran, opened at `#hash`.
    fn dom(&self, hash: &str) -> String {
        let dom = self.run(&["--dump-dom"], hash);
        assert!(dom.contains("data-ready=\"1\""), "the page's script did not finish at #{hash}:\n{dom:.2000}");
        dom
    }
}

/// The text of the element with this id.
fn text_of(dom: &str, id: &str) -> String {
    let at = dom.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no #{id} in the page"));
    let start = at + dom[at..].find('>').unwrap() + 1;
    let end = start + dom[start..].find('<').unwrap();
    dom[start..end].to_string()
}

fn number(dom: &str, id: &str) -> usize {
    text_of(dom, id).replace(',', "").parse().unwrap_or_else(|e| panic!("#{id}: {e}"))
}

/// The value of `attr` in the tag starting at `at`.
fn attr(dom: &str, at: usize, attr: &str) -> String {
    let tag = &dom[at..at + dom[at..].find('>').unwrap()];
    let key = format!("{attr}=\"");
    let s = tag.find(&key).unwrap_or_else(|| panic!("no {attr} in {tag}")) + key.len();
    tag[s..s + tag[s..].find('"').unwrap()].to_string()
}

/// The drill-down rows: place id → (errors, warnings, infos).
fn rows(dom: &str) -> BTreeMap<String, [usize; 3]> {
    dom.match_indices("<tr class=\"place\"")
        .map(|(at, _)| {
            let n = |a| attr(dom, at, a).parse::<usize>().unwrap();
            (attr(dom, at, "data-place"), [n("data-errors"), n("data-warnings"), n("data-infos")])
        })
        .collect()
}

fn severity_index(s: &str) -> usize {
    ["error", "warning", "info"].iter().position(|x| *x == s).unwrap()
}

#[test]
fn the_report_shows_the_audits_totals_in_a_browser() {
    let Some(bin) = chromium() else { return };
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("report-html-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join("report.html");
    tiaokuai(&["report", "-o", page.to_str().unwrap()]);
    let audit: Value = serde_json::from_str(&tiaokuai(&["audit", "--format", "json"])).unwrap();
    let findings = audit["findings"].as_array().unwrap();
    let summary = &audit["summary"];
    let b = Browser { bin, dir: dir.clone(), page };

    // The whole model: the totals are the audit's.
    let dom = b.dom("");
    assert_eq!(number(&dom, "tk-total"), findings.len());
    assert_eq!(number(&dom, "tk-total-errors"), summary["errors"].as_u64().unwrap() as usize);
    assert_eq!(number(&dom, "tk-total-warnings"), summary["warnings"].as_u64().unwrap() as usize);
    assert_eq!(number(&dom, "tk-total-infos"), summary["infos"].as_u64().unwrap() as usize);
    assert_eq!(number(&dom, "tk-shown-count"), findings.len());
    // The first page of findings is drawn, not all of them at once.
    assert_eq!(dom.matches("class=\"finding\"").count(), findings.len().min(50));

    // Drilled down to the district: one row per street/town, with the audit's count of the
    // findings whose street/town it is, worst first.
    let dom = b.dom("p=310113");
    let shown = rows(&dom);
    let mut expected: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    for area in audit["metrics"]["townships"].as_array().unwrap() {
        expected.insert(area["id"].as_str().unwrap().to_string(), [0; 3]);
    }
    for f in findings {
        if let Some(t) = f["territory"].as_str() {
            expected.get_mut(t).unwrap()[severity_index(f["severity"].as_str().unwrap())] += 1;
        }
    }
    assert_eq!(shown, expected);
    let order: Vec<[usize; 3]> = dom
        .match_indices("<tr class=\"place\"")
        .map(|(at, _)| attr(&dom, at, "data-place"))
        .map(|id| expected[&id])
        .collect();
    assert!(order.windows(2).all(|w| w[0] >= w[1]), "worst first: {order:?}");

    // A street, errors and warnings only.
    let dom = b.dom("p=310113003&sev=error,warning");
    let want = findings.iter().filter(|f| f["territory"] == "310113003" && f["severity"] != "info").count();
    assert!(want > 0);
    assert_eq!(number(&dom, "tk-shown-count"), want);
    assert_eq!(dom.matches("class=\"finding\"").count(), want);
    assert_eq!(dom.matches("data-severity=\"info\"").count(), 0);

    // One rule.
    let dom = b.dom("rule=C001");
    let want = findings.iter().filter(|f| f["rule"] == "C001").count();
    assert_eq!(number(&dom, "tk-total"), want);
    assert_eq!(dom.matches("class=\"finding\" data-rule=\"C001\"").count(), want);

    // The chain of a unit a finding is about, as `tiaokuai chain` gives it.
    let unit = findings
        .iter()
        .filter_map(|f| f["subject"].as_str())
        .find(|s| {
            let c: Value =
                serde_json::from_str(&tiaokuai(&["chain", "data/samples/baoshan.json", s, "--format", "json"]))
                    .unwrap_or(Value::Null);
            c["steps"].as_array().is_some_and(|s| s.len() >= 3) && c["cycle"].is_null()
        })
        .expect("a finding about a unit with a chain of 3 or more");
    let chain: Value =
        serde_json::from_str(&tiaokuai(&["chain", "data/samples/baoshan.json", unit, "--format", "json"])).unwrap();
    let want: Vec<&str> = chain["steps"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    let dom = b.dom(&format!("unit={unit}"));
    let drawn: Vec<String> =
        dom.match_indices("<g class=\"tk-step\"").map(|(at, _)| attr(&dom, at, "data-unit")).collect();
    assert_eq!(drawn, want);

    // The picture for people, kept in the target folder.
    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-screenshot.png");
    let _ = std::fs::remove_file(&shot);
    b.run(&[&format!("--screenshot={}", shot.display()), "--window-size=1200,1500"], &format!("p=310113&unit={unit}"));
    let png = std::fs::read(&shot).expect("a screenshot was written");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "{} bytes", png.len());
    let _ = std::fs::remove_dir_all(&dir);
}
