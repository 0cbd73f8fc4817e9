use super::*;
use tm_api_types::{ServerTarget, StrategyTarget};

fn server(id: &str, default: bool, free: Option<u64>, active: usize) -> Candidate {
    Candidate {
        id: id.into(),
        name: id.to_uppercase(),
        kind: Some(ServerType::Transmission),
        is_default: default,
        down: None,
        free_space: free,
        active,
    }
}

fn rule(name: &str, labels: &[&str], target: PlacementTarget) -> PlacementRule {
    PlacementRule {
        name: name.into(),
        matches: PlacementMatch {
            labels: (!labels.is_empty()).then(|| labels.iter().map(|l| l.to_string()).collect()),
            ..Default::default()
        },
        target,
    }
}

fn to(id: &str) -> PlacementTarget {
    PlacementTarget::Server(ServerTarget {
        server_id: id.into(),
    })
}

fn strategy(strategy: PlacementStrategy) -> PlacementTarget {
    PlacementTarget::Strategy(StrategyTarget {
        strategy,
        server_ids: vec![],
    })
}

fn tv() -> Facts {
    Facts {
        labels: vec!["tv".into()],
        ..Default::default()
    }
}

#[test]
fn the_first_matching_rule_decides() {
    let servers = [server("a", true, None, 0), server("b", false, None, 0)];
    let rules = [
        rule("movies", &["movies"], to("a")),
        rule("tv", &["tv"], to("b")),
    ];
    let choice = choose(&rules, &tv(), &servers, &HashMap::new()).unwrap();
    assert_eq!(choice.server_id, "b");
    assert_eq!(choice.decision.rule.as_deref(), Some("tv"));
    let other = choose(&rules, &Facts::default(), &servers, &HashMap::new()).unwrap();
    assert_eq!(other.server_id, "a");
    assert_eq!(other.decision.rule, None);
    assert!(other.decision.reason.contains("default"), "{other:?}");
}

#[test]
fn a_down_or_full_server_is_skipped() {
    let mut b = server("b", false, None, 0);
    b.down = Some("failing".into());
    let servers = [
        server("a", true, Some(10), 0),
        b,
        server("c", false, Some(1000), 0),
    ];
    let rules = [rule("tv", &["tv"], to("b"))];
    let facts = Facts {
        size: Some(100),
        ..tv()
    };
    let choice = choose(&rules, &facts, &servers, &HashMap::new()).unwrap();
    assert_eq!(choice.server_id, "c");
    assert!(choice.decision.reason.contains("'B' is down"), "{choice:?}");
    assert!(choice.decision.reason.contains("'A' is full"), "{choice:?}");
}

#[test]
fn strategies_order_their_candidates() {
    let servers = [
        server("a", true, Some(5), 3),
        server("b", false, Some(50), 1),
    ];
    let most = [rule("all", &[], strategy(PlacementStrategy::MostFreeSpace))];
    assert_eq!(
        choose(&most, &tv(), &servers, &HashMap::new())
            .unwrap()
            .server_id,
        "b"
    );
    let fewest = [rule("all", &[], strategy(PlacementStrategy::FewestActive))];
    assert_eq!(
        choose(&fewest, &tv(), &servers, &HashMap::new())
            .unwrap()
            .server_id,
        "b"
    );
    let rr = [rule("all", &[], strategy(PlacementStrategy::RoundRobin))];
    let mut positions = HashMap::new();
    let mut seen = Vec::new();
    for _ in 0..3 {
        let choice = choose(&rr, &tv(), &servers, &positions).unwrap();
        let (name, id) = choice.round_robin.unwrap();
        positions.insert(name, id.clone());
        seen.push(id);
    }
    assert_eq!(seen, ["a", "b", "a"]);
}

#[test]
fn size_and_tracker_need_what_is_known() {
    let size_rule = PlacementMatch {
        min_size: Some(1),
        ..Default::default()
    };
    assert!(!matches(&size_rule, &Facts::default()));
    let tracker_rule = PlacementMatch {
        tracker: Some("example.org".into()),
        ..Default::default()
    };
    let facts = Facts {
        tracker_hosts: vec!["tracker.example.org".into()],
        ..Default::default()
    };
    assert!(matches(&tracker_rule, &facts));
    assert!(!matches(&tracker_rule, &Facts::default()));
}
