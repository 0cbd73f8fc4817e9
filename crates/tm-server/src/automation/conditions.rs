//! A rule's condition tree: checked once when the rule is saved (clear 422
//! errors), compiled (regexes built once) and evaluated over torrents.

use regex::Regex;
use serde_json::Value;
use tm_api_types::{RuleComparison, RuleCondition, ServerType, TorrentState, TrackerHealth};

use super::subject::{FieldValue, Subject};
use crate::core::{Error, Result, bounded_regex};

/// Deepest nesting of `all`/`any`/`not` accepted.
pub const MAX_DEPTH: usize = 8;
/// Most nodes (groups and comparisons) in one tree.
pub const MAX_NODES: usize = 200;
/// Most values one `in` lists.
const MAX_IN_VALUES: usize = 1_000;

/// A normalised torrent field a rule can test. Adding one is a variant here,
/// its row in [`Field::ALL`] and its value in `Subject::value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    State,
    Ratio,
    SeedingTime,
    InactiveTime,
    AddedAge,
    CompletedAge,
    Size,
    Progress,
    Label,
    Tracker,
    TrackerStatus,
    Name,
    SavePath,
    Server,
    Client,
    FreeSpace,
    Copies,
    CrossSeeds,
}

/// What kind of value a field has, which decides its operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Number,
    Text,
    Labels,
}

impl Field {
    /// Every field: its name in the API and the kind of value it has.
    const ALL: [(&'static str, Field, Kind); 18] = [
        ("state", Field::State, Kind::Text),
        ("ratio", Field::Ratio, Kind::Number),
        ("seeding_time", Field::SeedingTime, Kind::Number),
        ("inactive_time", Field::InactiveTime, Kind::Number),
        ("added_age", Field::AddedAge, Kind::Number),
        ("completed_age", Field::CompletedAge, Kind::Number),
        ("size", Field::Size, Kind::Number),
        ("progress", Field::Progress, Kind::Number),
        ("label", Field::Label, Kind::Labels),
        ("tracker", Field::Tracker, Kind::Text),
        ("tracker_status", Field::TrackerStatus, Kind::Text),
        ("name", Field::Name, Kind::Text),
        ("save_path", Field::SavePath, Kind::Text),
        ("server", Field::Server, Kind::Text),
        ("client", Field::Client, Kind::Text),
        ("free_space", Field::FreeSpace, Kind::Number),
        ("copies", Field::Copies, Kind::Number),
        ("cross_seeds", Field::CrossSeeds, Kind::Number),
    ];

    fn parse(name: &str) -> Result<Field> {
        Field::ALL
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, f, _)| *f)
            .ok_or_else(|| {
                let names: Vec<&str> = Field::ALL.iter().map(|(n, _, _)| *n).collect();
                Error::Invalid(format!(
                    "unknown condition field '{name}' (fields: {})",
                    names.join(", ")
                ))
            })
    }

    pub fn kind(self) -> Kind {
        Field::ALL
            .iter()
            .find(|(_, f, _)| *f == self)
            .map_or(Kind::Text, |(_, _, k)| *k)
    }

    /// The values a text field can take, when they are a closed set.
    fn known_values(self) -> Option<Vec<&'static str>> {
        match self {
            Field::State => Some(TorrentState::ALL.iter().map(|s| s.as_str()).collect()),
            Field::Client => Some(ServerType::ALL.iter().map(|k| k.as_str()).collect()),
            Field::TrackerStatus => Some(TrackerHealth::ALL.iter().map(|h| h.as_str()).collect()),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Matches,
    Contains,
}

impl Op {
    const ALL: [(&'static str, Op); 9] = [
        ("eq", Op::Eq),
        ("ne", Op::Ne),
        ("lt", Op::Lt),
        ("le", Op::Le),
        ("gt", Op::Gt),
        ("ge", Op::Ge),
        ("in", Op::In),
        ("matches", Op::Matches),
        ("contains", Op::Contains),
    ];

    fn parse(name: &str) -> Result<Op> {
        Op::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, o)| *o)
            .ok_or_else(|| Error::Invalid(format!("unknown operator '{name}'")))
    }

    fn allowed_for(kind: Kind) -> &'static [Op] {
        match kind {
            Kind::Number => &[Op::Eq, Op::Ne, Op::Lt, Op::Le, Op::Gt, Op::Ge, Op::In],
            Kind::Text => &[Op::Eq, Op::Ne, Op::In, Op::Matches, Op::Contains],
            Kind::Labels => &[Op::Contains, Op::In, Op::Matches],
        }
    }

    fn name(self) -> &'static str {
        Op::ALL
            .iter()
            .find(|(_, o)| *o == self)
            .map_or("?", |(n, _)| n)
    }
}

/// The value a comparison tests against, typed for its field.
#[derive(Debug, Clone)]
pub enum Operand {
    Number(f64),
    Numbers(Vec<f64>),
    Text(String),
    Texts(Vec<String>),
    Pattern(Regex),
}

/// A checked, compiled condition tree.
#[derive(Debug, Clone)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    Compare {
        field: Field,
        op: Op,
        operand: Operand,
    },
}

impl Condition {
    /// Checks and compiles a tree, or says (422) what is wrong and where.
    pub fn compile(tree: &RuleCondition) -> Result<Condition> {
        let mut nodes = 0;
        compile_node(tree, 1, &mut nodes)
    }

    /// True when a comparison in the tree tests `field`.
    pub fn uses(&self, field: Field) -> bool {
        match self {
            Condition::All(list) | Condition::Any(list) => list.iter().any(|c| c.uses(field)),
            Condition::Not(not) => not.uses(field),
            Condition::Compare { field: f, .. } => *f == field,
        }
    }

    /// True when the torrent matches.
    pub fn matches(&self, subject: &Subject) -> bool {
        match self {
            Condition::All(all) => all.iter().all(|c| c.matches(subject)),
            Condition::Any(any) => any.iter().any(|c| c.matches(subject)),
            Condition::Not(not) => !not.matches(subject),
            Condition::Compare { field, op, operand } => {
                compare(&subject.value(*field), *op, operand)
            }
        }
    }
}

fn compile_node(tree: &RuleCondition, depth: usize, nodes: &mut usize) -> Result<Condition> {
    *nodes += 1;
    if *nodes > MAX_NODES {
        return Err(Error::Invalid(format!(
            "conditions have more than {MAX_NODES} nodes"
        )));
    }
    if depth > MAX_DEPTH {
        return Err(Error::Invalid(format!(
            "conditions are nested deeper than {MAX_DEPTH} levels"
        )));
    }
    let list = |items: &[RuleCondition], nodes: &mut usize| {
        items
            .iter()
            .map(|c| compile_node(c, depth + 1, nodes))
            .collect::<Result<Vec<_>>>()
    };
    Ok(match tree {
        RuleCondition::All { all } => Condition::All(list(all, nodes)?),
        RuleCondition::Any { any } => Condition::Any(list(any, nodes)?),
        RuleCondition::Not { not } => {
            Condition::Not(Box::new(compile_node(not, depth + 1, nodes)?))
        }
        RuleCondition::Compare(comparison) => compile_comparison(comparison)?,
    })
}

fn compile_comparison(comparison: &RuleComparison) -> Result<Condition> {
    let field = Field::parse(&comparison.field)?;
    let op = Op::parse(&comparison.op)?;
    let kind = field.kind();
    if !Op::allowed_for(kind).contains(&op) {
        let allowed: Vec<&str> = Op::allowed_for(kind).iter().map(|o| o.name()).collect();
        return Err(Error::Invalid(format!(
            "operator '{}' does not apply to '{}' (use {})",
            op.name(),
            comparison.field,
            allowed.join(", ")
        )));
    }
    let operand = operand_of(field, op, &comparison.value)
        .map_err(|why| Error::Invalid(format!("condition on '{}': {why}", comparison.field)))?;
    Ok(Condition::Compare { field, op, operand })
}

fn operand_of(field: Field, op: Op, value: &Value) -> std::result::Result<Operand, String> {
    let number = |v: &Value| v.as_f64().ok_or_else(|| format!("{v} is not a number"));
    let text = |v: &Value| -> std::result::Result<String, String> {
        let text = v.as_str().ok_or_else(|| format!("{v} is not a string"))?;
        match field.known_values() {
            Some(known) if !known.contains(&text) => {
                Err(format!("'{text}' is not one of {}", known.join(", ")))
            }
            _ => Ok(text.to_string()),
        }
    };
    match op {
        Op::Matches => {
            let pattern = value.as_str().ok_or("matches takes a regex string")?;
            bounded_regex(pattern).map(Operand::Pattern)
        }
        Op::In => {
            let items = value.as_array().ok_or("in takes a list")?;
            if items.len() > MAX_IN_VALUES {
                return Err(format!("in lists more than {MAX_IN_VALUES} values"));
            }
            if field.kind() == Kind::Number {
                items
                    .iter()
                    .map(number)
                    .collect::<Result<_, _>>()
                    .map(Operand::Numbers)
            } else {
                items
                    .iter()
                    .map(text)
                    .collect::<Result<_, _>>()
                    .map(Operand::Texts)
            }
        }
        // Text fields compare as text (contains on any text field), the others as numbers.
        _ if field.kind() == Kind::Number => number(value).map(Operand::Number),
        Op::Contains => value
            .as_str()
            .map(|s| Operand::Text(s.to_string()))
            .ok_or_else(|| format!("{value} is not a string")),
        _ => text(value).map(Operand::Text),
    }
}

fn compare(value: &FieldValue, op: Op, operand: &Operand) -> bool {
    match (value, operand) {
        (FieldValue::Number(Some(n)), Operand::Number(x)) => match op {
            Op::Eq => n == x,
            Op::Ne => n != x,
            Op::Lt => n < x,
            Op::Le => n <= x,
            Op::Gt => n > x,
            Op::Ge => n >= x,
            _ => false,
        },
        (FieldValue::Number(Some(n)), Operand::Numbers(xs)) => xs.contains(n),
        (FieldValue::Text(Some(t)), Operand::Text(x)) => match op {
            Op::Eq => *t == x.as_str(),
            Op::Ne => *t != x.as_str(),
            Op::Contains => t.contains(x.as_str()),
            _ => false,
        },
        (FieldValue::Text(Some(t)), Operand::Texts(xs)) => xs.iter().any(|x| x.as_str() == *t),
        (FieldValue::Text(Some(t)), Operand::Pattern(re)) => re.is_match(t),
        (FieldValue::Labels(labels), Operand::Text(x)) => labels.iter().any(|l| l == x),
        (FieldValue::Labels(labels), Operand::Texts(xs)) => labels.iter().any(|l| xs.contains(l)),
        (FieldValue::Labels(labels), Operand::Pattern(re)) => labels.iter().any(|l| re.is_match(l)),
        // An unknown value (no tracker, not complete yet) only differs.
        (FieldValue::Number(None) | FieldValue::Text(None), _) => op == Op::Ne,
        _ => false,
    }
}

#[cfg(test)]
#[path = "conditions_tests.rs"]
mod tests;
