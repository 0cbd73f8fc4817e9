use serde_json::{Value, json};
use tm_api_types::{RuleCondition, TorrentState};

use super::{Condition, MAX_DEPTH, MAX_NODES};
use crate::automation::subject::Subject;
use crate::automation::test_support::{NOW, server, torrent};
use crate::core::Error;

fn compile(tree: Value) -> Result<Condition, Error> {
    let tree: RuleCondition = serde_json::from_value(tree).expect("a condition tree");
    Condition::compile(&tree)
}

fn matches(tree: Value) -> bool {
    let (torrent, server) = (torrent(), server());
    let subject = Subject {
        torrent: &torrent,
        state: TorrentState::Seeding,
        server: &server,
        free_space: Some(1_000),
        now: NOW,
        idle_since: Some(NOW - 3_600),
        copies: 2,
        cross_seeds: Some(1),
    };
    compile(tree).expect("a valid tree").matches(&subject)
}

fn invalid(tree: Value) -> String {
    match compile(tree) {
        Err(Error::Invalid(why)) => why,
        other => panic!("expected a 422, got {other:?}"),
    }
}

fn cmp(field: &str, op: &str, value: Value) -> Value {
    json!({"field": field, "op": op, "value": value})
}

#[test]
fn numbers_compare_with_every_operator() {
    assert!(matches(cmp("ratio", "ge", json!(2))));
    assert!(matches(cmp("ratio", "gt", json!(2.4))));
    assert!(!matches(cmp("ratio", "lt", json!(2.5))));
    assert!(matches(cmp("ratio", "le", json!(2.5))));
    assert!(matches(cmp("ratio", "eq", json!(2.5))));
    assert!(matches(cmp("ratio", "ne", json!(1))));
    assert!(matches(cmp("size", "in", json!([1, 5000]))));
    assert!(matches(cmp("progress", "ge", json!(100))));
    assert!(matches(cmp("free_space", "lt", json!(2000))));
}

#[test]
fn fleet_counts_compare_as_numbers() {
    assert!(matches(cmp("copies", "ge", json!(2))));
    assert!(!matches(cmp("copies", "eq", json!(1))));
    assert!(matches(cmp("cross_seeds", "ge", json!(1))));
    assert!(matches(cmp("cross_seeds", "in", json!([1, 2]))));
    assert!(invalid(cmp("copies", "matches", json!("2"))).contains("does not apply"));
}

#[test]
fn an_unfetched_file_list_matches_no_cross_seed_count() {
    let (torrent, server) = (torrent(), server());
    let subject = Subject {
        torrent: &torrent,
        state: TorrentState::Seeding,
        server: &server,
        free_space: None,
        now: NOW,
        idle_since: None,
        copies: 1,
        cross_seeds: None,
    };
    let on = |tree: Value| compile(tree).expect("a valid tree").matches(&subject);
    assert!(!on(cmp("cross_seeds", "ge", json!(0))));
    assert!(!on(cmp("cross_seeds", "eq", json!(0))));
    assert!(on(cmp("cross_seeds", "ne", json!(0))));
    assert!(on(cmp("copies", "eq", json!(1))));
}

#[test]
fn a_tree_says_which_fields_it_tests() {
    use super::Field;
    let tree = compile(json!({"all": [cmp("ratio", "ge", json!(1)), {"not": {"any": [cmp("cross_seeds", "ge", json!(1))]}}]})).unwrap();
    assert!(tree.uses(Field::CrossSeeds));
    assert!(tree.uses(Field::Ratio));
    assert!(!tree.uses(Field::Copies));
}

#[test]
fn durations_are_seconds_from_the_torrents_times() {
    assert!(matches(cmp("seeding_time", "ge", json!(7 * 86_400))));
    assert!(!matches(cmp("seeding_time", "ge", json!(9 * 86_400))));
    assert!(matches(cmp("completed_age", "eq", json!(8 * 86_400))));
    assert!(matches(cmp("added_age", "eq", json!(10 * 86_400))));
    assert!(matches(cmp("inactive_time", "eq", json!(3_600))));
}

#[test]
fn text_fields_labels_and_regexes() {
    assert!(matches(cmp("state", "eq", json!("seeding"))));
    assert!(matches(cmp("state", "in", json!(["paused", "seeding"]))));
    assert!(matches(cmp("client", "eq", json!("rtorrent"))));
    assert!(matches(cmp("server", "eq", json!("s1"))));
    assert!(matches(cmp("tracker", "contains", json!("example"))));
    assert!(matches(cmp(
        "name",
        "matches",
        json!("(?i)^ubuntu .* iso$")
    )));
    assert!(!matches(cmp("name", "matches", json!("^debian"))));
    assert!(matches(cmp("label", "contains", json!("done"))));
    assert!(!matches(cmp("label", "contains", json!("don"))));
    assert!(matches(cmp("label", "in", json!(["x", "linux"]))));
    assert!(matches(cmp("label", "matches", json!("^lin"))));
}

#[test]
fn trees_combine_all_any_and_not() {
    let goal = json!({"all": [
        cmp("label", "contains", json!("done")),
        {"any": [cmp("ratio", "ge", json!(3)), cmp("seeding_time", "ge", json!(7 * 86_400))]},
    ]});
    assert!(matches(goal.clone()));
    assert!(!matches(json!({"not": goal})));
    assert!(matches(json!({"all": []})));
    assert!(!matches(json!({"any": []})));
}

#[test]
fn mistakes_are_explained() {
    assert!(
        invalid(cmp("colour", "eq", json!("red"))).contains("unknown condition field 'colour'")
    );
    assert!(
        invalid(cmp("ratio", "matches", json!("x")))
            .contains("operator 'matches' does not apply to 'ratio'")
    );
    assert!(invalid(cmp("ratio", "approx", json!(1))).contains("unknown operator 'approx'"));
    assert!(invalid(cmp("ratio", "ge", json!("two"))).contains("is not a number"));
    assert!(invalid(cmp("state", "eq", json!("sleeping"))).contains("not one of"));
    assert!(invalid(cmp("name", "matches", json!("(unclosed"))).contains("bad regex"));
    // Compiles to more than the size limit.
    assert!(invalid(cmp("name", "matches", json!("\\w{1000}\\w{1000}"))).contains("bad regex"));
}

#[test]
fn deep_or_large_trees_are_refused() {
    let mut tree = cmp("ratio", "ge", json!(1));
    for _ in 0..MAX_DEPTH - 1 {
        tree = json!({"not": tree});
    }
    assert!(compile(tree.clone()).is_ok());
    assert!(invalid(json!({"not": tree})).contains("nested deeper"));
    let wide: Vec<Value> = (0..MAX_NODES)
        .map(|_| cmp("ratio", "ge", json!(1)))
        .collect();
    assert!(invalid(json!({"any": wide})).contains("nodes"));
}

#[test]
fn save_path_compares_without_a_trailing_separator() {
    assert!(matches(cmp("save_path", "eq", json!("/d"))));
    assert!(matches(cmp("save_path", "ne", json!("/done"))));
    let server = server();
    let on = |save_path: &str, tree: Value| {
        let torrent = tm_backends::Torrent {
            save_path: save_path.into(),
            ..torrent()
        };
        let subject = Subject {
            torrent: &torrent,
            state: TorrentState::Seeding,
            server: &server,
            free_space: None,
            now: NOW,
            idle_since: None,
            copies: 1,
            cross_seeds: None,
        };
        compile(tree).expect("a valid tree").matches(&subject)
    };
    // Deluge reports its directories with a trailing '/'.
    assert!(on(
        "/data/done/",
        cmp("save_path", "eq", json!("/data/done"))
    ));
    assert!(!on(
        "/data/done/",
        cmp("save_path", "ne", json!("/data/done"))
    ));
    assert!(on("/", cmp("save_path", "eq", json!("/"))));
    assert!(on(
        "/data/incoming",
        cmp("save_path", "matches", json!("^/data/"))
    ));
}
