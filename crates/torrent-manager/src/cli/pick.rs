//! Which item of a listing (a server, a rule) a command's argument names.

use super::layout::SHORT_ID;

/// What is picked from: the items, and how they are called in messages.
pub struct Named<'a, T> {
    pub items: &'a [T],
    pub id: fn(&T) -> &str,
    pub name: fn(&T) -> &str,
    /// `server`, `rule`.
    pub kind: &'static str,
    /// The command that lists them, e.g. `servers list`.
    pub listing: &'static str,
}

impl<T> Named<'_, T> {
    /// The ID of the item `given` names: its ID, else its name, else a unique
    /// prefix of its ID as tables show them ([`SHORT_ID`] characters at least).
    pub fn pick(&self, given: &str) -> anyhow::Result<String> {
        let Named {
            items, id, name, ..
        } = self;
        if let Some(item) = items.iter().find(|item| id(item) == given) {
            return Ok(id(item).to_string());
        }
        let by_name: Vec<&T> = items.iter().filter(|item| name(item) == given).collect();
        let by_prefix: Vec<&T> = if by_name.is_empty() && given.len() >= SHORT_ID {
            items
                .iter()
                .filter(|item| id(item).starts_with(given))
                .collect()
        } else {
            Vec::new()
        };
        match (by_name.as_slice(), by_prefix.as_slice()) {
            ([only], _) | ([], [only]) => Ok(id(only).to_string()),
            ([], []) => anyhow::bail!(
                "no {} with the ID or name '{given}' (see `torrent-manager {}`)",
                self.kind,
                self.listing
            ),
            ([], several) => {
                let names: Vec<&str> = several.iter().map(|item| name(item)).collect();
                anyhow::bail!(
                    "'{given}' starts the IDs of several {}s ({}): give their names",
                    self.kind,
                    names.join(", ")
                )
            }
            (_, _) => anyhow::bail!(
                "several {}s are named '{given}': give the ID (see `torrent-manager {}`)",
                self.kind,
                self.listing
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Named;

    fn pick(given: &str) -> anyhow::Result<String> {
        let items = [
            ("0190aaaa-1111", "seedbox"),
            ("0190aaaa-2222", "home"),
            ("0190bbbb-3333", "twin"),
            ("0190cccc-4444", "twin"),
        ];
        Named {
            items: &items,
            id: |item| item.0,
            name: |item| item.1,
            kind: "server",
            listing: "servers list",
        }
        .pick(given)
    }

    #[test]
    fn ids_then_names_then_unique_prefixes() {
        assert_eq!(pick("0190aaaa-2222").unwrap(), "0190aaaa-2222");
        assert_eq!(pick("seedbox").unwrap(), "0190aaaa-1111");
        assert_eq!(pick("0190bbbb").unwrap(), "0190bbbb-3333");
        let several = pick("0190aaaa").unwrap_err().to_string();
        assert!(several.contains("seedbox, home"), "{several}");
        let twins = pick("twin").unwrap_err().to_string();
        assert!(
            twins.contains("several servers are named 'twin'"),
            "{twins}"
        );
        // Too short to be a prefix of an ID as tables show it.
        assert!(pick("0190").unwrap_err().to_string().contains("no server"));
    }
}
