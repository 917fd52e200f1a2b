//! Model images (`.tkz`, issue #19): the layout as docs and `format::image` describe it,
//! and every damaged, truncated, foreign or crafted image refused with `Error::Image` or the
//! JSON loader's own error, never a panic and never a wrong model.
//! (Round trips of the sample, every field and random models: `roundtrip.rs`.)

use proptest::prelude::*;
use tiaokuai::format::{IMAGE_LAYOUT, IMAGE_MAGIC};
use tiaokuai::*;

const HEADER: usize = 32;
const TRAILER: usize = 32;

/// Writes the documented layout by hand: varints, strings, options.
#[derive(Default)]
struct Body(Vec<u8>);

impl Body {
    fn varint(mut self, mut v: u64) -> Self {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(b);
                return self;
            }
            self.0.push(b | 0x80);
        }
    }
    fn str(self, s: &str) -> Self {
        let mut me = self.varint(s.len() as u64);
        me.0.extend_from_slice(s.as_bytes());
        me
    }
    fn some_str(self, s: &str) -> Self {
        let mut me = self.varint(s.len() as u64 + 1);
        me.0.extend_from_slice(s.as_bytes());
        me
    }
}

/// An image of `body` with a correct header, trailer and checksum.
fn seal(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&IMAGE_MAGIC);
    out.extend_from_slice(&IMAGE_LAYOUT.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    let mut writer = [0u8; 16];
    let v = env!("CARGO_PKG_VERSION").as_bytes();
    writer[..v.len()].copy_from_slice(v);
    out.extend_from_slice(&writer);
    out.extend_from_slice(body);
    let sum = xxhash_rust::xxh3::xxh3_64(&out);
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes()); // the document is the whole content
    out.extend_from_slice(&sum.to_le_bytes());
    out.extend_from_slice(b"TKZ-END\n");
    out
}

/// The body of an image, and a new image of a changed body (the checksum made right again,
/// so that what is tested is the decoder, not the checksum).
fn body_of(image: &[u8]) -> &[u8] {
    &image[HEADER..image.len() - TRAILER]
}

const SMALL: &str = r#"{"format": "tiaokuai/1",
  "territories": [{"id": "c", "name": "市", "kind": "city"},
                  {"id": "s", "name": "街", "kind": "street", "parent": "c", "since": "2020-06"}],
  "units": [{"id": "u", "name": "委", "kind": "party_committee", "sector": "party", "located_in": "s", "members": 3}],
  "links": [{"from": "u", "to": "s", "kind": "jurisdiction", "until": "2030"}]}"#;

/// The image of [`SMALL`], written from the layout's description; `unit_kind` and `to`
/// vary it for the tests of crafted images.
fn small_body(unit_kind: &str, second_id: &str, to: u64) -> Vec<u8> {
    let pack = |y: u64, m: u64, d: u64| y << 9 | m << 5 | d;
    Body::default()
        // territories, units, matters, items, people, links, meetings; no meta
        .varint(2)
        .varint(1)
        .varint(0)
        .varint(0)
        .varint(0)
        .varint(1)
        .varint(0)
        .varint(0)
        // territory c: id, name, kind, no parent, no attrs, no since, no until
        .str("c")
        .str("市")
        .str("city")
        .varint(0)
        .varint(0)
        .varint(0)
        .varint(0)
        // territory s: parent at place 0 (written 1), since 2020-06
        .str(second_id)
        .str("街")
        .str("street")
        .varint(1)
        .varint(0)
        .varint(pack(2020, 6, 0))
        .varint(0)
        // unit u: kind, sector, located_in place 1, members 3, no staff, no in-service members
        .str("u")
        .str("委")
        .str(unit_kind)
        .some_str("party")
        .varint(2)
        .varint(4)
        .varint(0)
        .varint(0)
        .varint(0)
        .varint(0)
        .varint(0)
        // link: kind, from place 2, to place `to`, flags (until), until 2030
        .str("jurisdiction")
        .varint(2)
        .varint(to)
        .varint(1 << 13)
        .varint(pack(2030, 0, 0))
        .0
}

#[test]
fn the_layout_is_as_documented() {
    let model = Model::from_json(SMALL).unwrap();
    let image = model.to_image();
    let body = small_body("party_committee", "s", 1);
    let sealed = seal(&body);
    assert_eq!(
        image[..HEADER + body.len()],
        sealed[..HEADER + body.len()],
        "the writer follows format::image's layout"
    );
    // The trailer: content length, document length, checksum, end.
    let trailer = &image[image.len() - TRAILER..];
    let word = |b: &[u8], at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap());
    assert_eq!(word(trailer, 0), (image.len() - HEADER - TRAILER) as u64);
    assert_eq!(word(trailer, 8), body.len() as u64);
    assert_eq!(word(trailer, 16), xxhash_rust::xxh3::xxh3_64(&image[..image.len() - TRAILER]));
    assert_eq!(&trailer[24..], b"TKZ-END\n");
    // Then the directory of the columns: count, 0, and (tag, 0, offset, length) each, the
    // columns at multiples of 64 in the content, zero bytes between them.
    let dir = &image[HEADER + body.len()..];
    let count = u32::from_le_bytes(dir[..4].try_into().unwrap()) as usize;
    assert_eq!((count, &dir[4..8]), (16, &[0u8; 4][..]));
    let mut end = HEADER + body.len() + 8 + 24 * count;
    for i in 0..count {
        let e = &dir[8 + 24 * i..];
        assert_eq!(u32::from_le_bytes(e[..4].try_into().unwrap()), i as u32 + 1, "tags 1 to 16 in order");
        let (offset, len) = (word(e, 8) as usize, word(e, 16) as usize);
        assert!(offset % 64 == 0 && offset >= end && offset - end < 64, "column {i} at {offset} after {end}");
        assert!(image[end..offset].iter().all(|&b| b == 0));
        end = offset + len;
    }
    assert_eq!(end, image.len() - TRAILER);
    assert_eq!(Model::from_image(&image).unwrap(), model);
    // An image of the document alone (written by hand) is the same model.
    assert_eq!(Model::from_image(&sealed).unwrap(), model);
    // A change to this layout without a new IMAGE_LAYOUT would read old images wrongly.
    assert_eq!(IMAGE_LAYOUT, 2, "the layout changed: bump IMAGE_LAYOUT and update this test and the docs");
}

#[test]
fn crafted_images_get_the_json_loaders_errors() {
    // Each image is well-formed (its checksum is right): the same checks as a JSON load.
    let err = Model::from_image(&seal(&small_body("no-such-kind", "s", 1))).unwrap_err();
    assert_eq!(err.kind(), "unknown_word");
    assert!(err.to_string().starts_with(r#"units[0] (id "u"): field "kind""#), "{err}");

    let err = Model::from_image(&seal(&small_body("party_committee", "c", 1))).unwrap_err();
    assert_eq!(err.kind(), "duplicate_id", "{err}");
    assert!(err.to_string().contains(r#"territories[1] (id "c")"#), "{err}");

    // A jurisdiction link to a unit (place 2) is a wrong endpoint, as in JSON.
    let err = Model::from_image(&seal(&small_body("party_committee", "s", 2))).unwrap_err();
    assert_eq!(err.kind(), "wrong_endpoint", "{err}");
    assert!(err.to_string().contains(r#""to" names "u""#), "{err}");

    // A place past the records is the image's own error, naming the byte.
    let err = Model::from_image(&seal(&small_body("party_committee", "s", 9))).unwrap_err();
    assert_eq!(err.kind(), "image");
    assert!(err.to_string().contains("\"to\" names record 9, not one of the 3"), "{err}");
}

/// A model of one record of each type (places 0 to 4: territory `t`, unit `u` of
/// `unit_kind`, matter `m`, item `i`, person `p`) and one link: its JSON with that link
/// (`fields` added to it), and its image with the link (`image_fields` its flags and fields).
fn one_link(unit_kind: &str, kind: &str, ends: (usize, usize), fields: &str, image_fields: &Body) -> (String, Vec<u8>) {
    const IDS: [&str; 5] = ["t", "u", "m", "i", "p"];
    let doc = |link: &str| {
        format!(
            r#"{{"format": "tiaokuai/1",
  "territories": [{{"id": "t", "name": "街", "kind": "street"}}],
  "units": [{{"id": "u", "name": "委", "kind": "{unit_kind}"}}],
  "matters": [{{"id": "m", "name": "事", "list": "basic"}}],
  "items": [{{"id": "i", "name": "需", "list": "need"}}],
  "people": [{{"id": "p"}}],
  "links": [{link}]}}"#
        )
    };
    // The image of the document with a jurisdiction link from `u` to `t` (place 1 to 0, no
    // flags), that link's bytes replaced by the link asked for.
    let image = Model::from_json(&doc(r#"{"from": "u", "to": "t", "kind": "jurisdiction"}"#)).unwrap().to_image();
    let trailer = &image[image.len() - TRAILER..];
    let document = u64::from_le_bytes(trailer[8..16].try_into().unwrap()) as usize;
    let body = &image[HEADER..HEADER + document];
    let placeholder = Body::default().str("jurisdiction").varint(1).varint(0).varint(0).0;
    assert!(body.ends_with(&placeholder), "the document ends with its one link");
    let mut crafted = body[..body.len() - placeholder.len()].to_vec();
    crafted.extend(Body::default().str(kind).varint(ends.0 as u64).varint(ends.1 as u64).0);
    crafted.extend_from_slice(&image_fields.0);
    let (from, to) = (IDS[ends.0], IDS[ends.1]);
    (doc(&format!(r#"{{"from": "{from}", "to": "{to}", "kind": "{kind}"{fields}}}"#)), seal(&crafted))
}

#[test]
fn links_of_every_kind_between_records_of_every_type_get_their_json_answer() {
    // The image checks a link whose ends are of the types its kind takes by their types
    // alone, and every other link as JSON's links are checked: both must answer as JSON does.
    // With the fields a kind requires, and without any (then JSON's field errors).
    let words = |kind: &str, bare: bool| -> (&str, Body) {
        match kind {
            _ if bare => ("", Body::default().varint(0)),
            // flags: power 1 << 2, role 1 << 3, post 1 << 7
            "power" => (r#", "power": "advice""#, Body::default().varint(1 << 2).str("advice")),
            "responsible" => (r#", "role": "lead""#, Body::default().varint(1 << 3).str("lead")),
            "holds" => (r#", "post": "secretary""#, Body::default().varint(1 << 7).str("secretary")),
            _ => ("", Body::default().varint(0)),
        }
    };
    let mut checked = (0, 0);
    for (unit_kind, bare) in [("department", false), ("party_committee", false), ("department", true)] {
        for kind in LinkKind::WORDS.iter().copied().chain(["x-custom"]) {
            for from in 0..5 {
                for to in 0..5 {
                    let (fields, flags) = words(kind, bare);
                    let (json, image) = one_link(unit_kind, kind, (from, to), fields, &flags);
                    let case = format!("{kind} link from place {from} to {to}, unit of kind {unit_kind}, bare {bare}");
                    match (Model::from_json(&json), Model::from_image(&image)) {
                        (Ok(a), Ok(b)) => {
                            assert_eq!(a, b, "{case}");
                            checked.0 += 1;
                        }
                        (Err(a), Err(b)) => {
                            assert_eq!((a.kind(), a.to_string()), (b.kind(), b.to_string()), "{case}");
                            checked.1 += 1;
                        }
                        (a, b) => panic!("{case}: JSON {a:?}, image {b:?}"),
                    }
                }
            }
        }
    }
    // Both answers are reached: links that fit and links refused.
    assert!(checked.0 >= 3 * LinkKind::WORDS.len() && checked.1 >= 3 * 20 * LinkKind::WORDS.len(), "{checked:?}");
}

#[test]
fn numbers_too_large_for_their_fields_are_refused_naming_the_field() {
    // A `registers_with` link's members (flag 1 << 5) past u32, a post's grade (post 1 << 7,
    // grade 1 << 9) past u8: the image's own error, naming the field, the value and the limit.
    let members = Body::default().varint(1 << 5).varint(1 << 32);
    let (_, image) = one_link("party_committee", "registers_with", (1, 1), "", &members);
    let err = Model::from_image(&image).unwrap_err();
    assert_eq!(err.kind(), "image", "{err}");
    assert!(err.to_string().contains("members 4294967296 larger than 4294967295"), "{err}");
    let grade = Body::default().varint(1 << 7 | 1 << 9).str("secretary").varint(256);
    let (_, image) = one_link("party_committee", "holds", (4, 1), "", &grade);
    let err = Model::from_image(&image).unwrap_err();
    assert!(err.to_string().contains("grade 256 larger than 255"), "{err}");
    // In range, the grade reaches the JSON loader's check of the career scale.
    let grade = Body::default().varint(1 << 7 | 1 << 9).str("secretary").varint(19);
    let (json, image) = one_link("party_committee", "holds", (4, 1), r#", "post": "secretary", "grade": 19"#, &grade);
    let (a, b) = (Model::from_json(&json).unwrap_err(), Model::from_image(&image).unwrap_err());
    assert_eq!((a.kind(), a.to_string()), (b.kind(), b.to_string()));
    assert!(b.to_string().contains("1 to 18, not 19"), "{b}");
}

#[test]
fn impossible_counts_lengths_and_leftovers_are_refused() {
    let body = small_body("party_committee", "s", 1);
    // A count of 2^40 territories: refused before any allocation, not an abort.
    let huge = Body::default().varint(1 << 40).0;
    let err = Model::from_image(&seal(&[huge.as_slice(), &body[1..]].concat())).unwrap_err();
    assert!(err.to_string().contains("a count of 1099511627776 that the rest cannot hold"), "{err}");
    // A string longer than what is left.
    let mut long = body.clone();
    let at = long.windows(2).position(|w| w == [1, b'c']).unwrap(); // the length of "c"
    long[at] = 0x7f;
    assert!(Model::from_image(&seal(&long)).unwrap_err().to_string().contains("longer than the rest"));
    // Not UTF-8.
    let mut bad = body.clone();
    bad[at + 1] = 0xff;
    let err = Model::from_image(&seal(&bad)).unwrap_err();
    assert!(err.to_string().contains("not UTF-8 at byte"), "{err}");
    // A varint of more than 64 bits.
    let err = Model::from_image(&seal(&[0xff; 11])).unwrap_err();
    assert!(err.to_string().contains("larger than 64 bits"), "{err}");
    // Bytes after the last meeting.
    let err = Model::from_image(&seal(&[body.as_slice(), &[0]].concat())).unwrap_err();
    assert!(err.to_string().contains("1 bytes after the last meeting"), "{err}");
    // Every shorter body ends early.
    for n in 0..body.len() {
        let err = Model::from_image(&seal(&body[..n])).unwrap_err();
        assert_eq!(err.kind(), "image", "body cut at {n}: {err}");
    }
}

#[test]
fn damaged_and_truncated_images_are_refused() {
    let image = Model::sample().to_image();
    for n in (0..image.len()).rev().take(4096).chain((0..image.len()).step_by(97)) {
        let err = Model::from_image(&image[..n]).unwrap_err();
        assert_eq!(err.kind(), "image", "cut at {n}: {err}");
    }
    // A flipped bit (the lowest and the highest) in every byte of the header and trailer and
    // in every 13th byte of the content (each check hashes the whole image).
    let ends = (0..HEADER).chain(image.len() - TRAILER..image.len());
    for i in ends.chain((HEADER..image.len() - TRAILER).step_by(13)) {
        for bit in [0x01, 0x80] {
            let mut damaged = image.clone();
            damaged[i] ^= bit;
            let err = Model::from_image(&damaged).unwrap_err();
            assert_eq!(err.kind(), "image", "byte {i} bit {bit:#x}: {err}");
        }
    }
    let mut damaged = image.clone();
    damaged[HEADER + 100] ^= 0x10;
    assert_eq!(
        Model::from_image(&damaged).unwrap_err().to_string(),
        "model image: damaged: its checksum does not match its content; rebuild it from the model's JSON"
    );
}

#[test]
fn another_layout_is_refused_by_name() {
    let mut image = Model::sample().to_image();
    image[8..12].copy_from_slice(&(IMAGE_LAYOUT + 1).to_le_bytes());
    let err = Model::from_image(&image).unwrap_err();
    let text = err.to_string();
    assert!(text.contains(&format!("image layout {}", IMAGE_LAYOUT + 1)), "{text}");
    assert!(text.contains(&format!("reads layout {IMAGE_LAYOUT}")), "{text}");
    assert!(text.contains(env!("CARGO_PKG_VERSION")), "{text}");
    assert!(text.contains("tiaokuai convert MODEL --to image"), "{text}");
}

#[test]
fn open_load_and_save_by_path() {
    let dir = std::env::temp_dir().join(format!("tk-image-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let model = Model::sample();
    let path = dir.join("sample.tkz");
    model.save(&path).unwrap();
    assert_eq!(Model::open(&path).unwrap(), model);
    // Model::load knows an image by its first bytes, whatever its name.
    let renamed = dir.join("sample.json");
    std::fs::rename(&path, &renamed).unwrap();
    assert_eq!(Model::load(&renamed).unwrap(), model);
    // Model::open refuses what is not an image, naming the file.
    let json = dir.join("real.json");
    model.save(&json).unwrap();
    let err = Model::open(&json).unwrap_err();
    assert_eq!(err.kind(), "image");
    assert!(err.to_string().contains("real.json is not a model image"), "{err}");
    // A file is decoded as it is read, its checksum checked at the end: damage in its
    // content is reported as damage, never a model; a cut file by its trailer.
    let mut bytes = std::fs::read(&renamed).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    let damaged = dir.join("damaged.tkz");
    std::fs::write(&damaged, &bytes).unwrap();
    let err = Model::open(&damaged).unwrap_err();
    assert!(err.to_string().starts_with("model image: damaged: its checksum does not match"), "{err}");
    assert_eq!(Model::load(&damaged).unwrap_err(), err);
    std::fs::write(&damaged, &bytes[..middle]).unwrap();
    let err = Model::open(&damaged).unwrap_err();
    assert!(err.to_string().contains("truncated or damaged"), "{err}");
    std::fs::write(&damaged, &bytes[..20]).unwrap();
    assert!(Model::open(&damaged).unwrap_err().to_string().contains("truncated: 20 bytes"));
    // The size limit holds for images as for JSON.
    let small = LoadOptions::default().max_bytes(100);
    assert_eq!(Model::open_with(&renamed, &small).unwrap_err().kind(), "too_large");
    // An image of a view is the whole document, read at the document's date, as JSON is.
    let dated = Model::from_json(SMALL).unwrap();
    let view = dated.at("2019".parse().unwrap());
    assert_eq!(Model::from_image(&view.to_image()).unwrap().to_json(), dated.to_json());
    std::fs::remove_dir_all(&dir).ok();
}

/// The body of an image of `n` territories `t0`, `t1` … (each the previous one's child), with
/// the id of `dup` changed to `t0` and the kind of `odd` to an unknown word.
fn territories_body(n: usize, dup: usize, odd: usize) -> Vec<u8> {
    let mut body = Body::default().varint(n as u64);
    for _ in 0..6 {
        body = body.varint(0);
    }
    body = body.varint(0); // no meta
    for i in 0..n {
        let id = if i == dup { "t0".to_string() } else { format!("t{i}") };
        let kind = if i == odd { "no-such-kind" } else { "grid" };
        body = body.str(&id).str("网格").str(kind).varint(i as u64).varint(0).varint(0).varint(0);
    }
    body.0
}

/// The model of `image` opened on one thread and on two, which must be the same.
fn opened_alike(image: &[u8]) -> Model {
    let one = Model::from_image_with(image, &LoadOptions::default().threads(1)).unwrap();
    let two = Model::from_image_with(image, &LoadOptions::default().threads(2)).unwrap();
    assert_eq!(one, two);
    two
}

/// The error of opening the image of `body` on `threads` threads.
fn refusal(body: &[u8], threads: usize) -> Error {
    Model::from_image_with(&seal(body), &LoadOptions::default().threads(threads)).unwrap_err()
}

#[test]
fn large_images_load_alike_on_one_thread_and_several() {
    // Above the size at which a second thread decodes while the first adds.
    let n = 40_000;
    let image = seal(&territories_body(n, usize::MAX, usize::MAX));
    let two = opened_alike(&image);
    assert_eq!(two.len(), n);
    // The same document, then the columns the hand-made image leaves out.
    let again = two.to_image();
    assert!(again[..image.len() - TRAILER] == image[..image.len() - TRAILER] && again.len() > image.len());
    // The first problem in document order is the error, whichever thread meets it.
    for threads in [1, 2, 3] {
        let early_dup = refusal(&territories_body(n, 100, n - 7), threads);
        assert_eq!(early_dup.kind(), "duplicate_id", "{threads} threads: {early_dup}");
        let early_word = refusal(&territories_body(n, n - 7, 100), threads);
        assert_eq!(early_word.kind(), "unknown_word", "{threads} threads: {early_word}");
        assert!(early_word.to_string().starts_with(r#"territories[100] (id "t100")"#), "{early_word}");
        // In one batch, the record decoded later does not hide the earlier one's error.
        let near = refusal(&territories_body(n, 100, 300), threads);
        assert_eq!(near.kind(), "duplicate_id", "{threads} threads: {near}");
        let small = refusal(&territories_body(500, 100, 300), threads);
        assert_eq!(small.kind(), "duplicate_id", "{threads} threads: {small}");
    }
}

/// The body of an image of `n` territories `t0` … (each the previous one's child), one Party
/// committee `u` and `n` `jurisdiction` links from it, one to each territory; link `odd` has
/// an unknown kind (an error of the link's decoding) and link `wrong` goes to the committee
/// itself (an error of its check against the records).
fn links_body(n: usize, odd: usize, wrong: usize) -> Vec<u8> {
    let mut body = Body::default().varint(n as u64).varint(1);
    for _ in 0..3 {
        body = body.varint(0);
    }
    body = body.varint(n as u64).varint(0).varint(0); // links, no meetings, no meta
    for i in 0..n {
        body = body.str(&format!("t{i}")).str("网格").str("grid").varint(i as u64).varint(0).varint(0).varint(0);
    }
    body = body.str("u").str("委").str("party_committee").some_str("party");
    for _ in 0..7 {
        body = body.varint(0);
    }
    for i in 0..n {
        let kind = if i == odd { "no-such-kind" } else { "jurisdiction" };
        let to = if i == wrong { n } else { i };
        body = body.str(kind).varint(n as u64).varint(to as u64).varint(0);
    }
    body.0
}

#[test]
fn large_images_check_their_links_alike_on_one_thread_and_several() {
    // Above the size at which a second thread decodes the links while the first checks them.
    let n = 40_000;
    let two = opened_alike(&seal(&links_body(n, usize::MAX, usize::MAX)));
    assert_eq!((two.len(), two.link_count()), (n + 1, n));
    let u = two.node("u").unwrap();
    assert_eq!(two.links_from(u, &LinkKind::Jurisdiction).count(), n);
    // The first problem in document order is the error, whichever thread meets it.
    for threads in [1, 2, 3] {
        let early_word = refusal(&links_body(n, 100, n - 7), threads);
        assert_eq!(early_word.kind(), "unknown_word", "{threads} threads: {early_word}");
        assert!(early_word.to_string().starts_with(r#"links[100] (from "u")"#), "{early_word}");
        let early_end = refusal(&links_body(n, n - 7, 100), threads);
        assert_eq!(early_end.kind(), "wrong_endpoint", "{threads} threads: {early_end}");
        assert!(early_end.to_string().contains("links[100]"), "{early_end}");
        // Near each other, both threads may meet theirs: the earlier is still the error.
        let near = refusal(&links_body(n, 300, 100), threads);
        assert_eq!(near.kind(), "wrong_endpoint", "{threads} threads: {near}");
        // An error in the last batch.
        let late = refusal(&links_body(n, usize::MAX, n - 1), threads);
        assert!(late.to_string().contains(&format!("links[{}]", n - 1)), "{late}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any change to a well-formed body (checksum made right again) gives an error or a model
    /// that is valid: written as JSON, it loads again as the same model.
    #[test]
    fn changed_bodies_give_an_error_or_a_valid_model(
        changes in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        let image = Model::from_json(SMALL).unwrap().to_image();
        let mut body = body_of(&image).to_vec();
        for (at, byte) in changes {
            let i = at.index(body.len());
            body[i] = byte;
        }
        if let Some(cut) = cut {
            body.truncate(cut.index(body.len()));
        }
        match Model::from_image(&seal(&body)) {
            Err(e) => prop_assert!(!e.to_string().is_empty()),
            Ok(model) => {
                let text = model.to_json();
                prop_assert_eq!(Model::from_json(&text).unwrap(), model);
            }
        }
    }
}

/// The content's columns after the document: (tag, offset in the file, length), from the
/// directory the trailer's document length points at.
fn columns_of(image: &[u8]) -> Vec<(u32, usize, usize)> {
    let trailer = &image[image.len() - TRAILER..];
    let document = u64::from_le_bytes(trailer[8..16].try_into().unwrap()) as usize;
    let dir = &image[HEADER + document..];
    let count = u32::from_le_bytes(dir[..4].try_into().unwrap()) as usize;
    (0..count)
        .map(|i| {
            let e = &dir[8 + 24 * i..];
            let word = |at: usize| u64::from_le_bytes(e[at..at + 8].try_into().unwrap()) as usize;
            (u32::from_le_bytes(e[..4].try_into().unwrap()), word(8), word(16))
        })
        .collect()
}

/// Makes the checksum of an image changed by hand right again.
fn reseal(image: &mut [u8]) {
    let n = image.len();
    let sum = xxhash_rust::xxh3::xxh3_64(&image[..n - TRAILER]);
    image[n - 16..n - 8].copy_from_slice(&sum.to_le_bytes());
}

/// Opening an image maps it: the columns a build of its document makes point into the
/// file's pages (shared between the processes that open it), and the model is the model.
#[test]
fn opened_images_share_the_columns_they_built() {
    let dir = std::env::temp_dir().join(format!("tk-image-map-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("m.tkz");
    #[allow(unused_mut)] // without the embedded divisions, the sample alone
    let mut models = vec![Model::sample()];
    #[cfg(feature = "divisions")]
    {
        let people =
            generate::GenerateOptions::new(generate::Scale::District, 7).people(true).history(true).generate().unwrap();
        // The generator adds records out of document order: its model as a load numbers them.
        models.push(Model::from_json(&people.to_json()).unwrap());
    }
    for model in models {
        model.save(&path).unwrap();
        let image = std::fs::read(&path).unwrap();
        let columns = columns_of(&image);
        assert_eq!(columns.len(), 16);
        let all: usize = columns.iter().map(|c| c.2).sum();
        let opened = Model::open(&path).unwrap();
        if cfg!(feature = "mmap") {
            assert_eq!(opened.mapped_bytes(), all, "every column is the build's own");
        }
        assert_eq!(opened, model);
        assert_eq!(opened.to_json(), model.to_json());
        assert!(opened.to_image() == image, "written again from its mapped columns: the same bytes");
        let first = model.units().next().unwrap().0;
        let line = Line::Leadership;
        assert_eq!(opened.chain(model.id(first), line).unwrap(), model.chain(model.id(first), line).unwrap());
        // Not mapped: the same model, nothing shared.
        let read = Model::open_with(&path, &LoadOptions::default().map(false)).unwrap();
        assert_eq!((read.mapped_bytes(), &read), (0, &model));
        // A change in place copies what it changes out of the file and leaves the file alone.
        let mut changed = Model::open(&path).unwrap();
        let rename = tiaokuai::change::ChangeSet::from_json(&format!(
            r#"{{"format": "tiaokuai-change/1", "update": [{{"id": "{}", "set": {{"name": "改名"}}}}]}}"#,
            model.id(first)
        ))
        .unwrap();
        changed.apply_in_place(&rename).unwrap();
        assert_eq!(changed, model.apply(&rename).unwrap());
        assert!(std::fs::read(&path).unwrap() == image);
        assert_eq!(Model::open(&path).unwrap(), model);
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// A column whose bytes in the file are not the ones the build made (another build's layout,
/// a model changed before it was written, a crafted file) is simply not used: the model is
/// its document's. A directory that does not fit its content is damage.
#[test]
fn columns_unlike_the_build_are_not_used() {
    let dir = std::env::temp_dir().join(format!("tk-image-cols-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let model = Model::sample();
    let image = model.to_image();
    let columns = columns_of(&image);
    let all: usize = columns.iter().map(|c| c.2).sum();
    let path = dir.join("m.tkz");
    for (i, &(tag, offset, len)) in columns.iter().enumerate() {
        if len == 0 {
            continue;
        }
        let mut changed = image.clone();
        changed[offset + len / 2] ^= 0x01;
        reseal(&mut changed);
        std::fs::write(&path, &changed).unwrap();
        let opened = Model::open(&path).unwrap();
        assert_eq!(opened, model, "column {i} (tag {tag})");
        if cfg!(feature = "mmap") {
            assert_eq!(opened.mapped_bytes(), all - len, "column {i} (tag {tag}) is the build's, not the file's");
        }
    }
    // A model whose records are not in document order (added units first) is written
    // without columns: a build of its document numbers its nodes otherwise.
    let mut b = ModelBuilder::new();
    b.unit(UnitSpec::new("u", "委", UnitKind::PartyCommittee)).unwrap();
    b.territory(TerritorySpec::new("c", "市", TerritoryKind::City)).unwrap();
    let unordered = b.build().unwrap();
    let image = unordered.to_image();
    let trailer = &image[image.len() - TRAILER..];
    assert_eq!(trailer[..8], trailer[8..16], "the content is the document alone");
    unordered.save(&path).unwrap();
    let opened = Model::open(&path).unwrap();
    assert_eq!((opened.mapped_bytes(), &opened), (0, &unordered));
    // A directory whose count or columns run past the content: damage, named.
    let image = model.to_image();
    let document = u64::from_le_bytes(image[image.len() - 24..image.len() - 16].try_into().unwrap()) as usize;
    // (where in the directory, the bytes written there): the count, the first column's offset
    // (past the end, then before the directory) and its length.
    let cases: [(usize, Vec<u8>); 4] = [
        (0, u32::MAX.to_le_bytes().to_vec()),
        (16, (u64::MAX - 7).to_le_bytes().to_vec()),
        (16, 0u64.to_le_bytes().to_vec()),
        (24, (1u64 << 40).to_le_bytes().to_vec()),
    ];
    for (at, bytes) in cases {
        let mut crafted = image.clone();
        let at = HEADER + document + at;
        crafted[at..at + bytes.len()].copy_from_slice(&bytes);
        reseal(&mut crafted);
        std::fs::write(&path, &crafted).unwrap();
        assert_eq!(Model::from_image(&crafted).unwrap(), model, "in memory, the columns are not read");
        let open = Model::open(&path);
        if cfg!(feature = "mmap") {
            let err = open.unwrap_err();
            assert_eq!(err.to_string(), "model image: damaged: the directory of its columns does not fit its content");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}
