//! The bad-input catalogue: malformed `tiaokuai/1` documents and CSV bundles,
//! each with the exact error variant and the exact message a user sees.
//!
//! Every case loads a small readable document and asserts that loading returns
//! `Err` (never panics), that the variant is the documented one (through
//! `Error::kind`, one name per variant) and that the message is, word for word,
//! the one `docs/format.md` shows. When a message changes on purpose, change it
//! here and in the docs together.

use std::path::PathBuf;

use tiaokuai::{Error, LoadOptions, Model, RecordType};

/// Two territories, four units, a matter and an item that the link cases point at.
const RECORDS: &str = r#"
  "territories": [
    {"id": "d", "name": "宝山区", "kind": "district"},
    {"id": "s", "name": "友谊路街道", "kind": "street", "parent": "d"}
  ],
  "units": [
    {"id": "dw", "name": "中共宝山区委", "kind": "party_committee", "sector": "party"},
    {"id": "gw", "name": "友谊路街道党工委", "kind": "party_working_committee", "sector": "party"},
    {"id": "scjg", "name": "区市场监管局", "kind": "department", "sector": "government"},
    {"id": "acme", "name": "某科技有限公司", "kind": "enterprise", "sector": "private", "located_in": "s"}
  ],
  "matters": [{"id": "m1", "name": "违法建筑治理", "list": "basic"}],
  "items": [{"id": "need1", "name": "老年助餐", "list": "need"}]"#;

/// A document: `"format": "tiaokuai/1"` and the given members.
fn doc(body: &str) -> String {
    format!("{{\"format\": \"tiaokuai/1\", {body}}}")
}

/// A document with [`RECORDS`] and these links.
fn links(links: &str) -> String {
    doc(&format!("{RECORDS},\n  \"links\": [{links}]"))
}

/// A document with one unit record (written inside the braces).
fn unit(fields: &str) -> String {
    doc(&format!(r#""units": [{{{fields}}}]"#))
}

/// Loads bytes that must fail, and checks the variant (by its stable name) and the message.
#[track_caller]
fn fails_bytes(input: &[u8], kind: &str, message: &str) -> Error {
    let err = match Model::from_json_bytes(input) {
        Ok(m) => panic!("expected a {kind} error, but the document loaded ({} records)", m.len()),
        Err(e) => e,
    };
    assert_eq!(err.to_string(), message, "message for {err:?}");
    assert_eq!(err.kind(), kind, "variant for {err:?}");
    err
}

#[track_caller]
fn fails(input: &str, kind: &str, message: &str) -> Error {
    fails_bytes(input.as_bytes(), kind, message)
}

#[test]
fn the_base_document_is_valid() {
    let m = Model::from_json(&links(r#"{"from": "dw", "to": "gw", "kind": "leads"}"#)).unwrap();
    assert_eq!((m.len(), m.link_count()), (8, 1));
}

// ---------------------------------------------------------------------------
// Ids and references

#[test]
fn duplicate_id_within_an_array() {
    let err = fails(
        &unit(r#""id": "a", "name": "A", "kind": "enterprise"}, {"id": "a", "name": "B", "kind": "enterprise""#),
        "duplicate_id",
        r#"units[1] (id "a"): duplicate id "a", first used by units[0] (id "a")"#,
    );
    let Error::DuplicateId { id, at, first } = err else { unreachable!() };
    assert_eq!((id.as_str(), at.index, first.index), ("a", 1, 0));
}

#[test]
fn duplicate_id_across_arrays() {
    fails(
        &doc(r#""territories": [{"id": "a", "name": "A", "kind": "district"}],
                "items": [{"id": "a", "name": "B", "list": "need"}]"#),
        "duplicate_id",
        r#"items[0] (id "a"): duplicate id "a", first used by territories[0] (id "a")"#,
    );
}

#[test]
fn empty_id() {
    fails(
        &unit(r#""id": "", "name": "A", "kind": "enterprise""#),
        "invalid_field",
        r#"units[0] (id ""): field "id": must not be empty"#,
    );
}

#[test]
fn link_to_names_a_missing_record() {
    let err = fails(
        &links(r#"{"from": "dw", "to": "gw", "kind": "leads"}, {"from": "gw", "to": "ghost", "kind": "leads"}"#),
        "dangling_reference",
        r#"links[1] (from "gw"): "to" names "ghost" which does not exist"#,
    );
    assert_eq!((err.field(), err.id()), (Some("to"), Some("ghost")));
    assert!(err.position().unwrap().is_link());
}

#[test]
fn link_from_names_a_missing_record() {
    fails(
        &links(r#"{"from": "ghost", "to": "gw", "kind": "leads"}"#),
        "dangling_reference",
        r#"links[0] (from "ghost"): "from" names "ghost" which does not exist"#,
    );
}

#[test]
fn dangling_parent() {
    fails(
        &doc(r#""territories": [{"id": "s", "name": "S", "kind": "street", "parent": "310113"}]"#),
        "dangling_reference",
        r#"territories[0] (id "s"): "parent" names "310113" which does not exist"#,
    );
}

#[test]
fn parent_naming_a_unit() {
    fails(
        &doc(r#""territories": [{"id": "s", "name": "S", "kind": "street", "parent": "u"}],
                "units": [{"id": "u", "name": "U", "kind": "government"}]"#),
        "wrong_endpoint",
        r#"territories[0] (id "s"): "parent" names "u", a unit, but "parent" needs a territory"#,
    );
}

#[test]
fn dangling_located_in() {
    fails(
        &unit(r#""id": "acme", "name": "A", "kind": "enterprise", "located_in": "nowhere""#),
        "dangling_reference",
        r#"units[0] (id "acme"): "located_in" names "nowhere" which does not exist"#,
    );
}

#[test]
fn dangling_scope() {
    fails(
        &links(r#"{"from": "scjg", "to": "m1", "kind": "responsible", "role": "lead", "scope": "ghost"}"#),
        "dangling_reference",
        r#"links[0] (from "scjg"): "scope" names "ghost" which does not exist"#,
    );
}

#[test]
fn scope_naming_a_unit() {
    fails(
        &links(r#"{"from": "scjg", "to": "m1", "kind": "responsible", "role": "lead", "scope": "gw"}"#),
        "wrong_endpoint",
        r#"links[0] (from "scjg"): "scope" names "gw", a unit, but "scope" needs a territory"#,
    );
}

// ---------------------------------------------------------------------------
// Link endpoints and link fields

#[test]
fn jurisdiction_to_a_unit() {
    let err = fails(
        &links(r#"{"from": "gw", "to": "acme", "kind": "jurisdiction"}"#),
        "wrong_endpoint",
        r#"links[0] (from "gw"): "to" names "acme", a unit, but a "jurisdiction" link needs a territory"#,
    );
    let Error::WrongEndpoint { expected, found, .. } = err else { unreachable!() };
    assert_eq!((expected, found), (RecordType::Territory, RecordType::Unit));
}

#[test]
fn leads_to_a_territory() {
    fails(
        &links(r#"{"from": "dw", "to": "d", "kind": "leads"}"#),
        "wrong_endpoint",
        r#"links[0] (from "dw"): "to" names "d", a territory, but a "leads" link needs a unit"#,
    );
}

#[test]
fn responsible_to_an_item() {
    fails(
        &links(r#"{"from": "scjg", "to": "need1", "kind": "responsible", "role": "lead"}"#),
        "wrong_endpoint",
        r#"links[0] (from "scjg"): "to" names "need1", an item, but a "responsible" link needs a matter"#,
    );
}

#[test]
fn raises_from_a_territory() {
    fails(
        &links(r#"{"from": "s", "to": "need1", "kind": "raises"}"#),
        "wrong_endpoint",
        r#"links[0] (from "s"): "from" names "s", a territory, but a "raises" link needs a unit"#,
    );
}

#[test]
fn power_link_without_power() {
    fails(
        &links(r#"{"from": "gw", "to": "scjg", "kind": "power"}"#),
        "invalid_field",
        r#"links[0] (from "gw"): field "power": is required on a "power" link (advice, consent, assessment, participation or comprehensive)"#,
    );
}

#[test]
fn responsible_link_without_role() {
    fails(
        &links(r#"{"from": "scjg", "to": "m1", "kind": "responsible"}"#),
        "invalid_field",
        r#"links[0] (from "scjg"): field "role": is required on a "responsible" link (lead, cooperate or supervise)"#,
    );
}

#[test]
fn role_on_a_leads_link() {
    fails(
        &links(r#"{"from": "dw", "to": "gw", "kind": "leads", "role": "lead"}"#),
        "invalid_field",
        r#"links[0] (from "dw"): field "role": only applies to "responsible" links, not "leads""#,
    );
}

#[test]
fn power_on_a_leads_link() {
    fails(
        &links(r#"{"from": "dw", "to": "gw", "kind": "leads", "power": "advice"}"#),
        "invalid_field",
        r#"links[0] (from "dw"): field "power": only applies to "power" links, not "leads""#,
    );
}

#[test]
fn primary_on_a_guides_link() {
    fails(
        &links(r#"{"from": "scjg", "to": "gw", "kind": "guides", "primary": true}"#),
        "invalid_field",
        r#"links[0] (from "scjg"): field "primary": only applies to "leads" links, not "guides""#,
    );
}

#[test]
fn members_on_a_leads_link() {
    fails(
        &links(r#"{"from": "dw", "to": "gw", "kind": "leads", "members": 3}"#),
        "invalid_field",
        r#"links[0] (from "dw"): field "members": only applies to "registers_with" links, not "leads""#,
    );
}

#[test]
fn fields_on_a_custom_link_kind() {
    fails(
        &links(r#"{"from": "dw", "to": "gw", "kind": "x-mentors", "role": "lead"}"#),
        "invalid_field",
        r#"links[0] (from "dw"): field "role": only applies to "responsible" links, not "x-mentors""#,
    );
}

#[test]
fn dispatches_from_a_non_department() {
    fails(
        &links(r#"{"from": "acme", "to": "gw", "kind": "dispatches"}"#),
        "invalid_field",
        r#"links[0] (from "acme"): field "from": a "dispatches" link starts from a department, but "acme" is of kind "enterprise""#,
    );
}

#[test]
fn primary_not_a_boolean() {
    fails(
        &links(r#"{"from": "dw", "to": "gw", "kind": "leads", "primary": "yes"}"#),
        "invalid_field",
        r#"links[0] (from "dw"): field "primary": invalid type: string "yes", expected a boolean"#,
    );
}

// ---------------------------------------------------------------------------
// Vocabularies

#[test]
fn unknown_territory_kind() {
    let err = fails(
        &doc(r#""territories": [{"id": "t", "name": "T", "kind": "county"}]"#),
        "unknown_word",
        r#"territories[0] (id "t"): field "kind": unknown territory kind "county"; expected one of country, province, city, district, street, town, township, zone, community, village, grid, building, park, market, platform, or a custom value starting with "x-""#,
    );
    let Error::UnknownWord { source, .. } = err else { unreachable!() };
    assert_eq!((source.word.as_str(), source.custom_allowed), ("county", true));
}

#[test]
fn unknown_unit_kind() {
    fails(
        &unit(r#""id": "a", "name": "A", "kind": "company""#),
        "unknown_word",
        r#"units[0] (id "a"): field "kind": unknown unit kind "company"; expected one of party_committee, party_working_committee, party_group, party_general_branch, party_branch, joint_party_branch, government, department, dispatched_agency, residents_committee, villagers_committee, owners_committee, property_manager, enterprise, public_institution, social_organization, mass_organization, joint_meeting, or a custom value starting with "x-""#,
    );
}

#[test]
fn unknown_link_kind() {
    fails(
        &links(r#"{"from": "dw", "to": "gw", "kind": "controls"}"#),
        "unknown_word",
        r#"links[0] (from "dw"): field "kind": unknown link kind "controls"; expected one of leads, guides, dispatches, party_org_of, instructs, mass_org_of, registers_with, reports_back, member_of, jurisdiction, power, responsible, raises, offers, fulfils, uses, undertakes, succeeded_by, holds, or a custom value starting with "x-""#,
    );
}

#[test]
fn unknown_sector() {
    fails(
        &unit(r#""id": "a", "name": "A", "kind": "enterprise", "sector": "public""#),
        "unknown_word",
        r#"units[0] (id "a"): field "sector": unknown sector "public"; expected one of party, government, public_institution, state_owned, private, foreign, social, self_governance, mass, or a custom value starting with "x-""#,
    );
}

#[test]
fn unknown_power() {
    fails(
        &links(r#"{"from": "gw", "to": "scjg", "kind": "power", "power": "veto"}"#),
        "unknown_word",
        r#"links[0] (from "gw"): field "power": unknown power "veto"; expected one of advice, consent, assessment, participation, comprehensive"#,
    );
}

#[test]
fn custom_power_is_not_allowed() {
    fails(
        &links(r#"{"from": "gw", "to": "scjg", "kind": "power", "power": "x-veto"}"#),
        "unknown_word",
        r#"links[0] (from "gw"): field "power": unknown power "x-veto"; expected one of advice, consent, assessment, participation, comprehensive"#,
    );
}

#[test]
fn unknown_role() {
    fails(
        &links(r#"{"from": "scjg", "to": "m1", "kind": "responsible", "role": "owner"}"#),
        "unknown_word",
        r#"links[0] (from "scjg"): field "role": unknown role "owner"; expected one of lead, cooperate, supervise"#,
    );
}

#[test]
fn unknown_matter_list() {
    fails(
        &doc(r#""matters": [{"id": "m", "name": "M", "list": "extra"}]"#),
        "unknown_word",
        r#"matters[0] (id "m"): field "list": unknown matter list "extra"; expected one of basic, cooperating, recalled"#,
    );
}

#[test]
fn unknown_item_list() {
    fails(
        &doc(r#""items": [{"id": "i", "name": "I", "list": "x-wish"}]"#),
        "unknown_word",
        r#"items[0] (id "i"): field "list": unknown item list "x-wish"; expected one of need, resource, project"#,
    );
}

#[test]
fn x_dash_alone_is_not_a_custom_kind() {
    fails(
        &doc(r#""territories": [{"id": "t", "name": "T", "kind": "x-"}]"#),
        "unknown_word",
        r#"territories[0] (id "t"): field "kind": unknown territory kind "x-"; expected one of country, province, city, district, street, town, township, zone, community, village, grid, building, park, market, platform, or a custom value starting with "x-""#,
    );
}

// ---------------------------------------------------------------------------
// The format field

#[test]
fn missing_format() {
    let err =
        fails(r#"{"units": []}"#, "format", r#"missing "format": a model document starts with "format": "tiaokuai/1""#);
    assert_eq!(err, Error::Format { found: None });
}

#[test]
fn null_format_is_missing() {
    fails(r#"{"format": null}"#, "format", r#"missing "format": a model document starts with "format": "tiaokuai/1""#);
}

#[test]
fn format_version_2() {
    fails(
        r#"{"format": "tiaokuai/2", "units": []}"#,
        "format",
        r#"unsupported format "tiaokuai/2": this version of tiaokuai reads "tiaokuai/1""#,
    );
}

#[test]
fn format_as_a_number() {
    let err =
        fails(r#"{"format": 1}"#, "format", r#"unsupported format "1": this version of tiaokuai reads "tiaokuai/1""#);
    assert_eq!(err, Error::Format { found: Some("1".into()) });
}

// ---------------------------------------------------------------------------
// Counts

#[test]
fn negative_count() {
    let err = fails(
        &unit(r#""id": "a", "name": "A", "kind": "enterprise", "members": -3"#),
        "invalid_count",
        r#"units[0] (id "a"): field "members": -3 is not a valid count: must not be negative"#,
    );
    let Error::InvalidCount { value, .. } = err else { unreachable!() };
    assert_eq!(value, "-3");
}

#[test]
fn fractional_count() {
    fails(
        &unit(r#""id": "a", "name": "A", "kind": "enterprise", "members": 2.5"#),
        "invalid_count",
        r#"units[0] (id "a"): field "members": 2.5 is not a valid count: must be a whole number"#,
    );
}

#[test]
fn count_with_an_exponent() {
    fails(
        &unit(r#""id": "a", "name": "A", "kind": "enterprise", "staff": 1e3"#),
        "invalid_count",
        r#"units[0] (id "a"): field "staff": 1e3 is not a valid count: must be written as a whole number, without a decimal point or exponent"#,
    );
}

#[test]
fn count_with_a_decimal_point() {
    fails(
        &unit(r#""id": "a", "name": "A", "kind": "enterprise", "staff": 3.0"#),
        "invalid_count",
        r#"units[0] (id "a"): field "staff": 3.0 is not a valid count: must be written as a whole number, without a decimal point or exponent"#,
    );
}

#[test]
fn count_of_2_to_the_32() {
    fails(
        &unit(r#""id": "a", "name": "A", "kind": "enterprise", "staff": 4294967296"#),
        "invalid_count",
        r#"units[0] (id "a"): field "staff": 4294967296 is not a valid count: larger than 4294967295"#,
    );
}

#[test]
fn largest_count_is_accepted() {
    let m = Model::from_json(&unit(r#""id": "a", "name": "A", "kind": "enterprise", "staff": 4294967295"#)).unwrap();
    assert_eq!(m.unit(m.node("a").unwrap()).unwrap().staff(), Some(u32::MAX));
}

#[test]
fn count_beyond_2_to_the_64_is_quoted_as_written() {
    fails(
        &unit(r#""id": "a", "name": "A", "kind": "enterprise", "in_service_members": 18446744073709551617"#),
        "invalid_count",
        r#"units[0] (id "a"): field "in_service_members": 18446744073709551617 is not a valid count: larger than 4294967295"#,
    );
}

#[test]
fn count_as_a_string() {
    fails(
        &unit(r#""id": "a", "name": "A", "kind": "enterprise", "members": "4""#),
        "invalid_count",
        r#"units[0] (id "a"): field "members": "4" is not a valid count: must be a number"#,
    );
}

#[test]
fn count_as_a_boolean() {
    fails(
        &unit(r#""id": "a", "name": "A", "kind": "enterprise", "members": true"#),
        "invalid_count",
        r#"units[0] (id "a"): field "members": true is not a valid count: must be a number"#,
    );
}

#[test]
fn count_as_an_object() {
    fails(
        &unit(r#""id": "a", "name": "A", "kind": "enterprise", "members": {"n": 4}"#),
        "invalid_count",
        r#"units[0] (id "a"): field "members": an object is not a valid count: must be a number"#,
    );
}

#[test]
fn negative_link_members() {
    fails(
        &links(r#"{"from": "acme", "to": "gw", "kind": "registers_with", "members": -1}"#),
        "invalid_count",
        r#"links[0] (from "acme"): field "members": -1 is not a valid count: must not be negative"#,
    );
}

// ---------------------------------------------------------------------------
// The territory tree

#[test]
fn territory_that_is_its_own_parent() {
    let err = fails(
        &doc(r#""territories": [{"id": "a", "name": "A", "kind": "street", "parent": "a"}]"#),
        "territory_cycle",
        r#"territories[0] (id "a"): territory parent chain loops: a -> a"#,
    );
    assert_eq!(err.field(), Some("parent"));
}

#[test]
fn territory_three_cycle() {
    let err = fails(
        &doc(r#""territories": [
            {"id": "root", "name": "R", "kind": "district"},
            {"id": "a", "name": "A", "kind": "street", "parent": "b"},
            {"id": "b", "name": "B", "kind": "community", "parent": "c"},
            {"id": "c", "name": "C", "kind": "grid", "parent": "a"}]"#),
        "territory_cycle",
        r#"territories[1] (id "a"): territory parent chain loops: a -> b -> c -> a"#,
    );
    let Error::TerritoryCycle { cycle, .. } = err else { unreachable!() };
    assert_eq!(cycle, ["a", "b", "c", "a"]);
}

// ---------------------------------------------------------------------------
// Record fields

#[test]
fn missing_name() {
    fails(
        &unit(r#""id": "a", "kind": "enterprise""#),
        "invalid_field",
        r#"units[0] (id "a"): field "name": is required"#,
    );
}

#[test]
fn missing_id() {
    fails(&unit(r#""name": "A", "kind": "enterprise""#), "invalid_field", r#"units[0]: field "id": is required"#);
}

#[test]
fn missing_link_kind() {
    fails(
        &links(r#"{"from": "dw", "to": "gw"}"#),
        "invalid_field",
        r#"links[0] (from "dw"): field "kind": is required"#,
    );
}

#[test]
fn null_for_a_required_field() {
    fails(
        &unit(r#""id": "a", "name": null, "kind": "enterprise""#),
        "invalid_field",
        r#"units[0] (id "a"): field "name": invalid type: null, expected a string"#,
    );
}

#[test]
fn null_for_an_optional_field_is_absent() {
    let m = Model::from_json(&unit(
        r#""id": "a", "name": "A", "kind": "enterprise", "sector": null, "members": null, "attrs": null, "since": null"#,
    ))
    .unwrap();
    let u = m.unit(m.node("a").unwrap()).unwrap();
    assert_eq!((u.sector, u.members(), u.attrs.clone()), (None, None, None));
}

#[test]
fn unknown_field_is_a_typo() {
    let err = fails(
        &doc(r#""territories": [{"id": "s", "name": "S", "kind": "street", "parnet": "d"}]"#),
        "invalid_field",
        r#"territories[0] (id "s"): field "parnet": unknown field; expected one of id, name, kind, parent, attrs, since, until"#,
    );
    assert_eq!(err.field(), Some("parnet"));
}

#[test]
fn unknown_link_field() {
    fails(
        &links(r#"{"from": "dw", "to": "gw", "kind": "leads", "primray": true}"#),
        "invalid_field",
        r#"links[0] (from "dw"): field "primray": unknown field; expected one of from, to, kind, primary, power, role, scope, members, event, post, band, grade, channel, attrs, since, until"#,
    );
}

#[test]
fn unknown_top_level_field() {
    fails(
        r#"{"format": "tiaokuai/1", "unit": []}"#,
        "invalid",
        r#"document: unknown field "unit"; expected one of format, meta, territories, units, matters, items, people, links, meetings (line 1)"#,
    );
}

#[test]
fn wrong_type_for_name() {
    fails(
        &unit(r#""id": "a", "name": 42, "kind": "enterprise""#),
        "invalid_field",
        r#"units[0] (id "a"): field "name": invalid type: integer `42`, expected a string"#,
    );
}

#[test]
fn wrong_type_for_id() {
    fails(
        &unit(r#""id": 42, "name": "A", "kind": "enterprise""#),
        "invalid_field",
        r#"units[0]: field "id": invalid type: integer `42`, expected a string"#,
    );
}

#[test]
fn attrs_not_an_object() {
    fails(
        &unit(r#""id": "a", "name": "A", "kind": "enterprise", "attrs": [1, 2]"#),
        "invalid_field",
        r#"units[0] (id "a"): field "attrs": must be a JSON object"#,
    );
}

#[test]
fn meta_not_an_object() {
    fails(
        r#"{"format": "tiaokuai/1", "meta": "Baoshan"}"#,
        "invalid_field",
        r#"document: field "meta": must be a JSON object"#,
    );
}

#[test]
fn impossible_date() {
    fails(
        &unit(r#""id": "a", "name": "A", "kind": "enterprise", "since": "2024-02-30""#),
        "invalid_field",
        r#"units[0] (id "a"): field "since": "2024-02-30" is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD (2024-02 has no day 30)"#,
    );
}

#[test]
fn month_thirteen_and_compact_dates() {
    fails(
        &unit(r#""id": "a", "name": "A", "kind": "enterprise", "since": "2019-13""#),
        "invalid_field",
        r#"units[0] (id "a"): field "since": "2019-13" is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD (there is no month 13)"#,
    );
    fails(
        &unit(r#""id": "a", "name": "A", "kind": "enterprise", "until": "20190101""#),
        "invalid_field",
        r#"units[0] (id "a"): field "until": "20190101" is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"#,
    );
    fails(
        &unit(r#""id": "a", "name": "A", "kind": "enterprise", "until": "0000""#),
        "invalid_field",
        r#"units[0] (id "a"): field "until": "0000" is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD (years run from 0001 to 9999)"#,
    );
}

#[test]
fn date_without_leading_zeros() {
    fails(
        &links(r#"{"from": "dw", "to": "gw", "kind": "leads", "until": "2024-6-1"}"#),
        "invalid_field",
        r#"links[0] (from "dw"): field "until": "2024-6-1" is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"#,
    );
}

#[test]
fn date_as_a_number() {
    fails(
        &unit(r#""id": "a", "name": "A", "kind": "enterprise", "until": 20240601"#),
        "invalid_field",
        r#"units[0] (id "a"): field "until": invalid type: integer `20240601`, expected a string"#,
    );
}

#[test]
fn record_not_an_object() {
    fails(
        &doc(r#""units": ["acme"]"#),
        "invalid_field",
        r#"units[0]: field "(record)": a record must be a JSON object"#,
    );
}

#[test]
fn record_as_an_array_is_not_read_as_a_struct() {
    fails(
        &doc(r#""territories": [["a", "A", "city"]]"#),
        "invalid_field",
        r#"territories[0]: field "(record)": a record must be a JSON object"#,
    );
}

#[test]
fn link_not_an_object() {
    fails(&doc(r#""links": [3]"#), "invalid_field", r#"links[0]: field "(record)": a record must be a JSON object"#);
}

#[test]
fn array_not_an_array() {
    fails(
        &doc(r#""units": {"id": "a", "name": "A", "kind": "enterprise"}"#),
        "invalid",
        r#"document: field "units": invalid type: map, expected a sequence (line 1)"#,
    );
}

// ---------------------------------------------------------------------------
// Malformed JSON and odd documents

#[test]
fn truncated_json() {
    let err = fails(
        "{\"format\": \"tiaokuai/1\",\n \"units\": [{\"id\": \"a\"",
        "syntax",
        "malformed JSON at line 2 column 21: EOF while parsing an object",
    );
    assert_eq!(err, Error::Syntax { message: "EOF while parsing an object".into(), line: 2, column: 21 });
}

#[test]
fn trailing_comma() {
    fails(r#"{"format": "tiaokuai/1",}"#, "syntax", "malformed JSON at line 1 column 25: trailing comma");
}

#[test]
fn trailing_characters() {
    fails(r#"{"format": "tiaokuai/1"} {}"#, "syntax", "malformed JSON at line 1 column 26: trailing characters");
}

#[test]
fn empty_file() {
    fails("", "syntax", "malformed JSON at line 1 column 1: the document is empty");
}

#[test]
fn whitespace_only_file() {
    fails(" \n\t ", "syntax", "malformed JSON at line 2 column 3: the document is empty");
}

#[test]
fn invalid_utf8() {
    fails_bytes(
        b"{\"format\": \"tiaokuai/1\",\n \"meta\": {\"name\": \"\xff\xfe\"}}",
        "syntax",
        "malformed JSON at line 2 column 20: invalid UTF-8",
    );
}

#[test]
fn byte_order_mark_is_accepted() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(unit(r#""id": "a", "name": "A", "kind": "enterprise""#).as_bytes());
    assert_eq!(Model::from_json_bytes(&bytes).unwrap().len(), 1);
    let text = String::from_utf8(bytes).unwrap();
    assert_eq!(Model::from_json(&text).unwrap().len(), 1);
}

#[test]
fn deeply_nested_unclosed_attrs() {
    // 10,000 `[` in attrs: rejected at the 128th level (the recursion limit), before any allocation per level.
    let text = format!(
        r#"{{"format": "tiaokuai/1", "units": [{{"id": "a", "name": "A", "kind": "enterprise", "attrs": {{"x": {}"#,
        "[".repeat(10_000)
    );
    fails(
        &text,
        "syntax",
        "malformed JSON at line 1 column 221: recursion limit exceeded: arrays and objects nest more than 127 levels deep",
    );
}

#[test]
fn deeply_nested_closed_attrs() {
    // Well-formed but too deep: records and attrs are read as raw JSON, so the loader checks depth itself.
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let text = format!(
        r#"{{"format": "tiaokuai/1", "units": [{{"id": "a", "name": "A", "kind": "enterprise", "attrs": {{"x": {deep}}}}}]}}"#
    );
    fails(
        &text,
        "syntax",
        "malformed JSON at line 1 column 221: recursion limit exceeded: arrays and objects nest more than 127 levels deep",
    );
}

#[test]
fn nesting_up_to_the_limit_is_accepted() {
    // document 1, units 2, record 3, attrs 4: attrs may hold 123 more levels.
    let text = format!(
        r#"{{"format": "tiaokuai/1", "units": [{{"id": "a", "name": "A", "kind": "enterprise", "attrs": {{"x": {}{}}}}}]}}"#,
        "[".repeat(123),
        "]".repeat(123)
    );
    let m = Model::from_json(&text).unwrap();
    assert_eq!(Model::from_json(&m.to_json()).unwrap(), m);
}

#[test]
fn top_level_array() {
    let err = fails(
        r#"[{"format": "tiaokuai/1"}]"#,
        "invalid",
        r#"document: a model is a JSON object with "format", "territories", "units", "matters", "items" and "links""#,
    );
    assert!(matches!(err, Error::Invalid { ref what, .. } if what == "document"));
}

#[test]
fn top_level_string() {
    fails(
        r#""tiaokuai/1""#,
        "invalid",
        r#"document: a model is a JSON object with "format", "territories", "units", "matters", "items" and "links""#,
    );
}

#[test]
fn top_level_malformed_non_object_is_a_syntax_error() {
    fails("[1, 2", "syntax", "malformed JSON at line 1 column 5: EOF while parsing a list");
}

#[test]
fn input_over_the_size_limit() {
    let err = Model::from_json_bytes_with(&[b' '; 2048], &LoadOptions::default().max_bytes(1024)).unwrap_err();
    assert_eq!(err, Error::TooLarge { size: 2048, limit: 1024 });
    assert_eq!(
        err.to_string(),
        "input of 2048 bytes is larger than the limit of 1024 bytes (raise it with the size limit option)"
    );
}

#[test]
fn every_prefix_of_a_valid_document_fails_cleanly() {
    let full = links(
        r#"{"from": "dw", "to": "gw", "kind": "leads", "primary": true, "since": "2020-01-01"},
           {"from": "scjg", "to": "m1", "kind": "responsible", "role": "lead", "scope": "s", "attrs": {"n": [1, {"k": "v"}]}}"#,
    );
    assert!(Model::from_json(&full).is_ok());
    let mut cut = 0;
    for (i, _) in full.char_indices() {
        let prefix = &full[..i];
        let err = Model::from_json(prefix).expect_err("a strict prefix of a document is never a document");
        assert!(matches!(err, Error::Syntax { .. }), "prefix of {i} bytes: {err}");
        cut += 1;
    }
    assert!(cut > 500);
}

// ---------------------------------------------------------------------------
// CSV bundles

/// A CSV bundle in a fresh temporary folder, removed when dropped.
struct Bundle(PathBuf);

impl Bundle {
    fn new(name: &str, files: &[(&str, &[u8])]) -> Bundle {
        let dir = std::env::temp_dir().join(format!("tiaokuai-bad-input-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (file, bytes) in files {
            std::fs::write(dir.join(file), bytes).unwrap();
        }
        Bundle(dir)
    }

    #[track_caller]
    fn fails(&self, kind: &str, message: &str) -> Error {
        let err = Model::from_csv_dir(&self.0).expect_err("the bundle should not load");
        assert_eq!(err.to_string(), message, "message for {err:?}");
        assert_eq!(err.kind(), kind, "variant for {err:?}");
        // Model::load on the folder goes the same way.
        assert_eq!(Model::load(&self.0).unwrap_err(), err);
        err
    }
}

impl Drop for Bundle {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn csv_missing_required_column() {
    let b = Bundle::new("missing-column", &[("units.csv", b"id,name,sector\nacme,Acme,private\n")]);
    b.fails("csv", r#"units.csv line 1: missing column "kind"; the header must include id, name, kind"#);
}

#[test]
fn csv_row_of_unequal_length() {
    let b = Bundle::new("unequal", &[("units.csv", b"id,name,kind\nacme,Acme,enterprise\nb,B\n")]);
    let err = b.fails("csv", "units.csv line 3: row has 2 fields, but the header has 3");
    assert_eq!(
        err,
        Error::Csv { file: "units.csv".into(), line: 3, message: "row has 2 fields, but the header has 3".into() }
    );
}

#[test]
fn csv_bad_count() {
    let b = Bundle::new(
        "bad-count",
        &[("units.csv", b"id,name,kind,members\nx,X,enterprise,3\nacme,Acme,enterprise,-4\n" as &[u8])],
    );
    let err = b.fails(
        "invalid_count",
        r#"units.csv line 3 (id "acme"): field "members": "-4" is not a valid count: must not be negative"#,
    );
    assert_eq!(err.position().unwrap().index, 3);
}

#[test]
fn csv_count_with_an_exponent() {
    let b = Bundle::new("exp-count", &[("units.csv", b"id,name,kind,staff\nacme,Acme,enterprise,1e3\n")]);
    b.fails(
        "invalid_count",
        r#"units.csv line 2 (id "acme"): field "staff": "1e3" is not a valid count: must be written as a whole number, without a decimal point or exponent"#,
    );
}

#[test]
fn csv_dangling_parent() {
    let b = Bundle::new(
        "dangling-parent",
        &[("territories.csv", "id,name,kind,parent\nd,宝山区,district,\ns,友谊路街道,street,dd\n".as_bytes())],
    );
    b.fails("dangling_reference", r#"territories.csv line 3 (id "s"): "parent" names "dd" which does not exist"#);
}

#[test]
fn csv_line_numbers_count_line_breaks_inside_cells() {
    // The first unit's name spans two lines, so the bad row starts on line 4, not 3.
    let b = Bundle::new(
        "multiline",
        &[
            ("units.csv", b"id,name,kind\na,\"two\nlines\",enterprise\nb,B,enterprise\n"),
            ("links.csv", b"from,to,kind\na,b,leads\nb,ghost,leads\n"),
        ],
    );
    b.fails("dangling_reference", r#"links.csv line 3 (from "b"): "to" names "ghost" which does not exist"#);
    let b =
        Bundle::new("multiline-dup", &[("units.csv", b"id,name,kind\na,\"two\nlines\",enterprise\na,B,enterprise\n")]);
    b.fails("duplicate_id", r#"units.csv line 4 (id "a"): duplicate id "a", first used by units.csv line 2 (id "a")"#);
}

#[test]
fn csv_duplicate_across_files() {
    let b = Bundle::new(
        "dup-across",
        &[("units.csv", b"id,name,kind\na,A,enterprise\n"), ("items.csv", b"id,name,list\na,A,need\n")],
    );
    b.fails("duplicate_id", r#"items.csv line 2 (id "a"): duplicate id "a", first used by units.csv line 2 (id "a")"#);
}

#[test]
fn csv_territory_cycle() {
    let b = Bundle::new("cycle", &[("territories.csv", b"id,name,kind,parent\na,A,street,b\nb,B,street,a\n")]);
    b.fails("territory_cycle", r#"territories.csv line 2 (id "a"): territory parent chain loops: a -> b -> a"#);
}

#[test]
fn csv_empty_folder_is_not_a_bundle() {
    let b = Bundle::new("empty", &[]);
    let message = format!(
        "{}: not a CSV bundle: none of territories.csv, units.csv, matters.csv, items.csv, people.csv, links.csv is there",
        b.0.display()
    );
    b.fails("io", &message);
}

#[test]
fn csv_invalid_json_in_attrs() {
    let b =
        Bundle::new("bad-attrs", &[("units.csv", b"id,name,kind,attrs\nacme,Acme,enterprise,\"{\"\"a\"\": 1,}\"\n")]);
    b.fails(
        "invalid_field",
        r#"units.csv line 2 (id "acme"): field "attrs": invalid JSON: key must be a string at line 1 column 9"#,
    );
}

#[test]
fn csv_attrs_not_an_object() {
    let b = Bundle::new("array-attrs", &[("units.csv", b"id,name,kind,attrs\nacme,Acme,enterprise,[1]\n")]);
    b.fails("invalid_field", r#"units.csv line 2 (id "acme"): field "attrs": must be a JSON object"#);
}

#[test]
fn csv_deeply_nested_attrs() {
    let text = format!("id,name,kind,attrs\nacme,Acme,enterprise,{}\n", "[".repeat(10_000));
    let b = Bundle::new("deep-attrs", &[("units.csv", text.as_bytes())]);
    b.fails(
        "invalid_field",
        r#"units.csv line 2 (id "acme"): field "attrs": invalid JSON: recursion limit exceeded: arrays and objects nest more than 127 levels deep"#,
    );
}

#[test]
fn csv_unknown_kind() {
    let b = Bundle::new("unknown-kind", &[("matters.csv", b"id,name,list\nm,M,urgent\n")]);
    b.fails(
        "unknown_word",
        r#"matters.csv line 2 (id "m"): field "list": unknown matter list "urgent"; expected one of basic, cooperating, recalled"#,
    );
}

#[test]
fn csv_empty_kind() {
    let b = Bundle::new("empty-kind", &[("units.csv", b"id,name,kind\nacme,Acme,\n")]);
    b.fails("invalid_field", r#"units.csv line 2 (id "acme"): field "kind": must not be empty"#);
}

#[test]
fn csv_primary_not_a_boolean() {
    let b = Bundle::new(
        "primary",
        &[
            ("units.csv", b"id,name,kind\na,A,party_committee\nb,B,party_branch\n"),
            ("links.csv", b"from,to,kind,primary\na,b,leads,yes\n"),
        ],
    );
    b.fails("invalid_field", r#"links.csv line 2 (from "a"): field "primary": "yes" is not true or false"#);
}

#[test]
fn csv_bad_date() {
    let b = Bundle::new("bad-date", &[("items.csv", b"id,name,list,until\ni,I,need,2024-6-1\n")]);
    b.fails(
        "invalid_field",
        r#"items.csv line 2 (id "i"): field "until": "2024-6-1" is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"#,
    );
}

#[test]
fn csv_invalid_utf8() {
    let b = Bundle::new("utf8", &[("units.csv", b"id,name,kind\na,\xff,enterprise\n")]);
    b.fails("csv", "units.csv line 2: invalid UTF-8; a CSV file saved by Excel in China is usually GB18030/GBK: read it with the encoding gb18030 (--encoding gb18030)");
}

#[test]
fn csv_meta_json_not_an_object() {
    let b = Bundle::new("meta-array", &[("units.csv", b"id,name,kind\na,A,enterprise\n"), ("meta.json", b"[1]")]);
    b.fails("invalid_field", r#"meta.json: field "meta": must be a JSON object"#);
}

#[test]
fn csv_meta_json_malformed() {
    let b =
        Bundle::new("meta-syntax", &[("units.csv", b"id,name,kind\na,A,enterprise\n"), ("meta.json", b"{\"a\": }")]);
    b.fails("invalid_field", r#"meta.json: field "meta": invalid JSON: expected value at line 1 column 7"#);
}

#[test]
fn csv_repeated_and_unnamed_columns() {
    let b = Bundle::new("csv-repeated", &[("territories.csv", b"id,name,kind,name\nd,D,district,E\n")]);
    b.fails(
        "csv",
        r#"territories.csv line 1: column 4 repeats the name "name" of column 2; one of them would be lost"#,
    );
    let b = Bundle::new("csv-unnamed", &[("territories.csv", b"id,name,kind,\nd,D,district,x\n")]);
    b.fails("csv", "territories.csv line 1: column 4 has no name; every column needs one (its cells would be lost)");
}

#[test]
fn csv_unclosed_quote() {
    let b = Bundle::new(
        "csv-unclosed",
        &[("units.csv", "id,name,kind,note\nu1,单位,enterprise,\"first\nu2,B,enterprise,x\n".as_bytes())],
    );
    b.fails(
        "csv",
        r#"units.csv line 2: column 18: the quote that opens this cell is never closed, so the cell would run to the end of the file; close it with " (and double every " inside it)"#,
    );
}

#[test]
fn csv_column_named_like_an_attrs_key() {
    let b = Bundle::new(
        "csv-attrs-clash",
        &[("territories.csv", b"id,name,kind,attrs,phone\nd,D,district,\"{\"\"phone\"\":\"\"021\"\"}\",022\n")],
    );
    b.fails(
        "invalid_field",
        r#"territories.csv line 2 (id "d"): field "phone": is a column and also a key of this row's attrs; one of the two values would be lost"#,
    );
}

#[test]
fn a_lone_surrogate_in_an_id_is_named() {
    fails(
        &unit(r#""id": "a\ud800", "name": "A", "kind": "enterprise""#),
        "invalid_field",
        r#"units[0]: field "id": invalid unicode escape \ud800: a lone surrogate"#,
    );
}

#[test]
fn a_key_given_twice_is_refused_everywhere_in_a_model() {
    // A record field and a top-level member: serde's "duplicate field".
    fails(
        &unit(r#""id": "a", "id": "b", "name": "A", "kind": "enterprise""#),
        "invalid_field",
        r#"units[0]: field "(record)": duplicate field `id`"#,
    );
    // Inside attrs and meta (kept as raw text, so checked by the strict reader), at any depth.
    fails(
        &unit(r#""id": "a", "name": "A", "kind": "enterprise", "attrs": {"p": {"k": 1, "k": 2}}"#),
        "invalid_field",
        r#"units[0] (id "a"): field "attrs": duplicate key "k" in p: each key may appear once in an object"#,
    );
}

#[test]
fn the_changed_error_reads_as_documented() {
    // Raised by the file loaders (core/tests/durability.rs makes files change under them);
    // here only its words, as docs/format.md quotes them.
    let err = Error::Changed { path: "model.json".into() };
    assert_eq!(err.to_string(), "model.json: the file changed while it was being read; nothing was loaded, try again");
    assert_eq!(err.kind(), "changed");
}

// ---------------------------------------------------------------------------
// The documentation quotes these messages

#[test]
fn every_message_in_the_docs_is_asserted_here() {
    // Each example message in the tables of docs/format.md must appear, word for word, in this file.
    let docs = include_str!("../../docs/format.md");
    let this = include_str!("bad_input.rs");
    let mut checked = 0;
    for line in docs.lines().filter(|l| l.starts_with('|') && l.ends_with("` |")) {
        let cell = line.trim_end_matches(" |").rsplit(" | ").next().unwrap();
        let message = cell.trim_start_matches("`` ").trim_end_matches(" ``").trim_matches('`');
        if message.contains(": ") && !message.starts_with("/path/") {
            assert!(this.contains(message), "docs/format.md quotes a message no test asserts: {message}");
            checked += 1;
        }
    }
    assert!(checked >= 40, "found only {checked} messages in docs/format.md");
}
