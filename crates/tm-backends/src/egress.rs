//! Which network targets the service may contact on someone's behalf.
//!
//! Every outbound connection (torrent clients over HTTP or SCGI, URL
//! fetches, later webhooks and feeds) resolves its host through
//! [`TargetPolicy`], so the check happens on the address actually dialled:
//! after DNS resolution, and again on every reconnect and redirect, which
//! closes the DNS-rebinding gap a check on the name alone would leave.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

/// What a caller may reach. Admins get [`TargetPolicy::unrestricted`];
/// other users [`TargetPolicy::public_only`] unless the admin opens more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetPolicy {
    /// Loopback, private, link-local, CGNAT and other non-public ranges.
    pub private_addresses: bool,
    /// Unix sockets on this machine.
    pub unix_sockets: bool,
}

/// Why a target was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refusal(pub String);

impl TargetPolicy {
    pub const fn unrestricted() -> Self {
        Self {
            private_addresses: true,
            unix_sockets: true,
        }
    }

    pub const fn public_only() -> Self {
        Self {
            private_addresses: false,
            unix_sockets: false,
        }
    }

    /// Checks one address about to be dialled.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), Refusal> {
        if self.private_addresses {
            return Ok(());
        }
        match non_public_range(ip) {
            None => Ok(()),
            Some(range) => Err(Refusal(format!(
                "{ip} is {range}; only public addresses are allowed (an admin can allow private targets)"
            ))),
        }
    }

    pub fn check_unix_socket(&self) -> Result<(), Refusal> {
        if self.unix_sockets {
            Ok(())
        } else {
            Err(Refusal(
                "unix sockets are not allowed (an admin can allow private targets)".to_owned(),
            ))
        }
    }

    /// Checks a host as written in a URL or a server entry: an IP literal
    /// is checked now; a name is checked when it is resolved.
    pub fn check_host_literal(&self, host: &str) -> Result<(), Refusal> {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        // URL parsers and resolvers also read `127.1`, `2130706433` and
        // `0x7f.0.0.1` as IPv4 addresses: judge them as the dialler will.
        let literal = bare
            .parse::<IpAddr>()
            .ok()
            .or(match url::Host::parse(bare) {
                Ok(url::Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
                _ => None,
            });
        match literal {
            Some(ip) => self.check_ip(ip),
            None if is_local_name(bare) => self.check_ip(IpAddr::V4(Ipv4Addr::LOCALHOST)),
            None => Ok(()),
        }
    }

    /// Resolves `host:port` and keeps the addresses the policy allows; an
    /// error when none is left.
    pub async fn resolve(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, ResolveError> {
        self.check_host_literal(host)?;
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let found: Vec<SocketAddr> = tokio::net::lookup_host((bare, port))
            .await
            .map_err(|e| ResolveError::Lookup(format!("could not resolve {host}: {e}")))?
            .collect();
        let mut refusal = None;
        let allowed: Vec<SocketAddr> = found
            .into_iter()
            .filter(|address| match self.check_ip(address.ip()) {
                Ok(()) => true,
                Err(reason) => {
                    refusal.get_or_insert(reason);
                    false
                }
            })
            .collect();
        match (allowed.is_empty(), refusal) {
            (false, _) => Ok(allowed),
            (true, Some(reason)) => Err(ResolveError::Refused(reason)),
            (true, None) => Err(ResolveError::Lookup(format!("{host} has no address"))),
        }
    }

    /// A DNS resolver for reqwest that drops the addresses the policy
    /// refuses (reqwest asks it on every new connection).
    pub fn resolver(&self) -> Arc<dyn reqwest::dns::Resolve> {
        Arc::new(PolicyResolver(*self))
    }

    /// A redirect policy that follows at most `max` hops and checks every
    /// hop's host literal (names are checked by [`Self::resolver`]).
    pub fn redirects(&self, max: usize) -> reqwest::redirect::Policy {
        let policy = *self;
        reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > max {
                return attempt.error(Refusal(format!("more than {max} redirects")));
            }
            let scheme_ok = matches!(attempt.url().scheme(), "http" | "https");
            match attempt.url().host_str() {
                _ if !scheme_ok => attempt.error(Refusal("redirect to a non-HTTP URL".to_owned())),
                Some(host) => match policy.check_host_literal(host) {
                    Ok(()) => attempt.follow(),
                    Err(refusal) => attempt.error(refusal),
                },
                None => attempt.error(Refusal("redirect to a URL without a host".to_owned())),
            }
        })
    }
}

/// Resolution failed, or every address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("{0}")]
    Refused(#[from] Refusal),
    #[error("{0}")]
    Lookup(String),
}

struct PolicyResolver(TargetPolicy);

impl fmt::Debug for PolicyResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PolicyResolver").field(&self.0).finish()
    }
}

impl reqwest::dns::Resolve for PolicyResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.0;
        Box::pin(async move {
            // The port is set by reqwest afterwards; 0 is a placeholder.
            let addresses = policy.resolve(name.as_str(), 0).await?;
            let addrs: reqwest::dns::Addrs = Box::new(addresses.into_iter());
            Ok(addrs)
        })
    }
}

/// Names that always mean this machine (RFC 6761).
fn is_local_name(host: &str) -> bool {
    let lower = host.trim_end_matches('.').to_ascii_lowercase();
    lower == "localhost" || lower.ends_with(".localhost")
}

/// The name of the non-public range `ip` is in, if any.
pub fn non_public_range(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_range(v4),
        IpAddr::V6(v6) => v6_range(v6),
    }
}

fn v4_range(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        (0, _, _) => "an unspecified address (0.0.0.0/8)",
        (10, _, _) => "a private address (10.0.0.0/8)",
        (100, 64..=127, _) => "a shared address (100.64.0.0/10)",
        (127, _, _) => "a loopback address (127.0.0.0/8)",
        (169, 254, _) => "a link-local address (169.254.0.0/16)",
        (172, 16..=31, _) => "a private address (172.16.0.0/12)",
        (192, 0, 0) => "an IETF protocol address (192.0.0.0/24)",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "a documentation address",
        (192, 168, _) => "a private address (192.168.0.0/16)",
        (198, 18..=19, _) => "a benchmarking address (198.18.0.0/15)",
        (224..=239, _, _) => "a multicast address",
        (240..=255, _, _) => "a reserved address (240.0.0.0/4)",
        _ => return None,
    })
}

fn v6_range(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return v4_range(v4);
    }
    let segments = ip.segments();
    // Addresses that embed an IPv4 address: judge the embedded one.
    let embedded = |high: u16, low: u16| Ipv4Addr::from((u32::from(high) << 16) | u32::from(low));
    if segments[..6] == [0, 0, 0, 0, 0, 0] && !ip.is_loopback() && !ip.is_unspecified() {
        return v4_range(embedded(segments[6], segments[7])).or(Some("an IPv4-compatible address"));
    }
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return v4_range(embedded(segments[6], segments[7]));
    }
    if segments[0] == 0x2002 {
        return v4_range(embedded(segments[1], segments[2]));
    }
    Some(match segments[0] {
        _ if ip.is_unspecified() => "an unspecified address (::)",
        _ if ip.is_loopback() => "a loopback address (::1)",
        0xfc00..=0xfdff => "a unique local address (fc00::/7)",
        0xfe80..=0xfebf => "a link-local address (fe80::/10)",
        0xfec0..=0xfeff => "a site-local address (fec0::/10)",
        0xff00..=0xffff => "a multicast address",
        0x2001 if segments[1] == 0x0db8 => "a documentation address (2001:db8::/32)",
        0x0100 if segments[1..4] == [0, 0, 0] => "a discard address (100::/64)",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_only_refuses_every_non_public_range() {
        let policy = TargetPolicy::public_only();
        for address in [
            "0.0.0.0",
            "127.0.0.1",
            "127.255.1.2",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.10",
            "169.254.169.254",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "2002:7f00:1::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
        ] {
            let ip: IpAddr = address.parse().unwrap();
            assert!(policy.check_ip(ip).is_err(), "{address} must be refused");
        }
    }

    #[test]
    fn public_only_allows_public_addresses() {
        let policy = TargetPolicy::public_only();
        for address in [
            "1.1.1.1",
            "8.8.8.8",
            "172.32.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            let ip: IpAddr = address.parse().unwrap();
            assert!(policy.check_ip(ip).is_ok(), "{address} must be allowed");
        }
    }

    #[test]
    fn host_literals_and_local_names_are_checked_before_resolving() {
        let policy = TargetPolicy::public_only();
        for host in [
            "127.0.0.1",
            "[::1]",
            "localhost",
            "LOCALHOST.",
            "a.localhost",
            "127.1",
            "2130706433",
            "0x7f.0.0.1",
            "0177.0.0.1",
        ] {
            assert!(policy.check_host_literal(host).is_err(), "{host}");
        }
        assert!(policy.check_host_literal("seedbox.example").is_ok());
        assert!(
            TargetPolicy::unrestricted()
                .check_host_literal("::1")
                .is_ok()
        );
        assert!(policy.check_unix_socket().is_err());
        assert!(TargetPolicy::unrestricted().check_unix_socket().is_ok());
    }

    #[tokio::test]
    async fn resolution_drops_refused_addresses() {
        let refused = TargetPolicy::public_only().resolve("localhost", 80).await;
        assert!(
            matches!(refused, Err(ResolveError::Refused(_))),
            "{refused:?}"
        );
        let allowed = TargetPolicy::unrestricted()
            .resolve("127.0.0.1", 80)
            .await
            .unwrap();
        assert_eq!(allowed, vec!["127.0.0.1:80".parse().unwrap()]);
    }
}
