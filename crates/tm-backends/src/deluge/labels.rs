//! Labels through Deluge's Label plugin: one label per torrent, from a set
//! of labels the plugin must know first (`label.add`), in lower case.

use crate::error::ErrorKind;

/// The plugin's name in `core.get_enabled_plugins`.
pub const LABEL_PLUGIN: &str = "Label";

/// The one label Deluge can hold for `labels` (`None`: no label), checked
/// as the plugin checks it (deluge_label/core.py), so nothing half-done
/// reaches the daemon.
pub fn deluge_label(labels: &[String]) -> Result<Option<String>, ErrorKind> {
    match labels {
        [] => Ok(None),
        [label] => {
            let label = label.trim().to_lowercase();
            let valid = !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-.".contains(&b));
            if valid {
                Ok(Some(label))
            } else {
                Err(ErrorKind::Invalid(format!(
                    "Deluge labels are made of a-z, 0-9, '_', '-' and '.' (not {label:?})"
                )))
            }
        }
        _ => Err(ErrorKind::Invalid(
            "Deluge holds one label per torrent".to_owned(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(labels: &[&str]) -> Result<Option<String>, ErrorKind> {
        deluge_label(&labels.iter().map(|l| l.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn one_label_in_lower_case() {
        assert_eq!(label(&[]), Ok(None));
        assert_eq!(label(&["TV"]), Ok(Some("tv".to_owned())));
        assert_eq!(label(&["hd-1080_p.x"]), Ok(Some("hd-1080_p.x".to_owned())));
        assert!(matches!(label(&["a", "b"]), Err(ErrorKind::Invalid(_))));
        for bad in ["hd x", "", " ", "ünï", "a/b"] {
            assert!(
                matches!(label(&[bad]), Err(ErrorKind::Invalid(_))),
                "{bad:?}"
            );
        }
    }
}
