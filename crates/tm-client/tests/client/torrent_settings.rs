//! `torrent_settings`/`set_torrent_settings` on a real client, called from
//! `every_client`: what the client holds reads back, what it lacks answers
//! `client_unsupported`, and `Patch::Clear` lifts a value.

use tm_client::{
    BandwidthPriority, Client, ClientCapabilities, ErrorCode, Patch, SeedingGoalsUpdate,
    TorrentSettingsUpdate,
};

pub async fn settings_round_trip(
    client: &Client,
    hash: &str,
    server_id: Option<&str>,
    can: &ClientCapabilities,
) {
    let fresh = client.torrent_settings(hash, server_id).await.unwrap();
    assert_eq!(fresh.capabilities.speed_limits, can.speed_limits);
    assert_eq!(fresh.capabilities.priority, can.bandwidth_priority);
    assert_eq!((fresh.download_limit, fresh.upload_limit), (None, None));

    let limit = TorrentSettingsUpdate {
        upload_limit: Patch::Set(512_000),
        ..Default::default()
    };
    let limited = client.set_torrent_settings(hash, server_id, &limit).await;
    if can.speed_limits {
        assert_eq!(limited.unwrap().upload_limit, Some(512_000));
        let lift = TorrentSettingsUpdate {
            upload_limit: Patch::Clear,
            ..Default::default()
        };
        let lifted = client.set_torrent_settings(hash, server_id, &lift).await;
        assert_eq!(lifted.unwrap().upload_limit, None);
    } else {
        let refused = limited.expect_err("no per-torrent limits on this client");
        assert_eq!(refused.code(), Some(ErrorCode::ClientUnsupported));
    }

    let high = TorrentSettingsUpdate {
        priority: Patch::Set(BandwidthPriority::High),
        ..Default::default()
    };
    let prioritised = client.set_torrent_settings(hash, server_id, &high).await;
    if can.bandwidth_priority {
        assert_eq!(prioritised.unwrap().priority, Some(BandwidthPriority::High));
        let read = client.torrent_settings(hash, server_id).await.unwrap();
        assert_eq!(read.priority, Some(BandwidthPriority::High));
    } else {
        let refused = prioritised.expect_err("no per-torrent priority on this client");
        assert_eq!(refused.code(), Some(ErrorCode::ClientUnsupported));
    }

    let goals = TorrentSettingsUpdate {
        seeding: Some(SeedingGoalsUpdate {
            ratio: Patch::Set(2.0),
            seeding_time: Patch::Set(7 * 86_400),
            ..Default::default()
        }),
        ..Default::default()
    };
    let kept = client.set_torrent_settings(hash, server_id, &goals).await;
    let seeding = kept.unwrap().seeding;
    assert_eq!(
        (seeding.ratio, seeding.seeding_time, seeding.inactive_time),
        (Some(2.0), Some(7 * 86_400), None)
    );
}
