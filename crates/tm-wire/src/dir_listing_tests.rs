use super::*;

const DAY: i64 = 86_400;
/// 2026-12-03 00:00 UTC.
const DEC_3: i64 = 20_790 * DAY;

fn entry(name: &str, is_dir: bool, size: Option<u64>, modified: Option<i64>) -> ListedEntry {
    ListedEntry {
        name: name.to_owned(),
        is_dir,
        size,
        modified,
    }
}

#[test]
fn the_epoch_arithmetic_is_right() {
    assert_eq!(days_from_civil(1970, 1, 1), 0);
    assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    assert_eq!(days_from_civil(2026, 12, 3) * DAY, DEC_3);
}

#[test]
fn nginx_autoindex_html() {
    let page = "<html>\r\n<head><title>Index of /files/</title></head>\r\n<body>\r\n\
        <h1>Index of /files/</h1><hr><pre><a href=\"../\">../</a>\r\n\
        <a href=\"Season%201/\">Season 1/</a>                                          03-Dec-2026 06:00                   -\r\n\
        <a href=\"caf%C3%A9%20%26%20bar.mkv\">caf\u{e9} &amp; bar.mkv</a>                   03-Dec-2026 06:01            20971520\r\n\
        <a href=\"./a:b.txt\">a:b.txt</a>                                             01-Jan-1970 00:00                   5\r\n\
        </pre><hr></body>\r\n</html>\r\n";
    assert_eq!(
        parse(page).unwrap(),
        vec![
            entry("Season 1", true, None, Some(DEC_3 + 6 * 3600)),
            entry(
                "caf\u{e9} & bar.mkv",
                false,
                Some(20_971_520),
                Some(DEC_3 + 6 * 3600 + 60)
            ),
            entry("a:b.txt", false, Some(5), Some(0)),
        ]
    );
}

#[test]
fn nginx_autoindex_with_rounded_sizes() {
    // As captured from nginx 1.26 with `autoindex_exact_size off`.
    let page = "<html>\r\n<head><title>Index of /rounded/</title></head>\r\n<body>\r\n\
        <h1>Index of /rounded/</h1><hr><pre><a href=\"../\">../</a>\r\n\
        <a href=\"Season%201/\">Season 1/</a>                                          03-Dec-2026 06:00       -\r\n\
        <a href=\"big.bin\">big.bin</a>                                            03-Dec-2026 06:00      3M\r\n\
        </pre><hr></body>\r\n</html>\r\n";
    assert_eq!(
        parse(page).unwrap(),
        vec![
            entry("Season 1", true, None, Some(DEC_3 + 6 * 3600)),
            entry("big.bin", false, Some(3 << 20), Some(DEC_3 + 6 * 3600)),
        ]
    );
}

#[test]
fn nginx_autoindex_json() {
    let page = r#"[
{ "name":"Season 1", "type":"directory", "mtime":"Thu, 03 Dec 2026 06:00:00 GMT" },
{ "name":"film.mkv", "type":"file", "mtime":"Thu, 03 Dec 2026 06:01:30 GMT", "size":20971520 },
{ "name":"..", "type":"directory" }
]"#;
    assert_eq!(
        parse(page).unwrap(),
        vec![
            entry("Season 1", true, None, Some(DEC_3 + 6 * 3600)),
            entry(
                "film.mkv",
                false,
                Some(20_971_520),
                Some(DEC_3 + 6 * 3600 + 90)
            ),
        ]
    );
}

#[test]
fn apache_fancy_index_table() {
    let page = r#"<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">
<html><head><title>Index of /files</title></head><body>
<h1>Index of /files</h1>
  <table>
   <tr><th valign="top"><img src="/icons/blank.gif" alt="[ICO]"></th><th><a href="?C=N;O=D">Name</a></th><th><a href="?C=M;O=A">Last modified</a></th><th><a href="?C=S;O=A">Size</a></th><th><a href="?C=D;O=A">Description</a></th></tr>
   <tr><th colspan="5"><hr></th></tr>
<tr><td valign="top"><img src="/icons/back.gif" alt="[PARENTDIR]"></td><td><a href="/">Parent Directory</a></td><td>&nbsp;</td><td align="right">  - </td><td>&nbsp;</td></tr>
<tr><td valign="top"><img src="/icons/folder.gif" alt="[DIR]"></td><td><a href="Season%201/">Season 1/</a></td><td align="right">2026-12-03 06:00  </td><td align="right">  - </td><td>&nbsp;</td></tr>
<tr><td valign="top"><img src="/icons/movie.gif" alt="[VID]"></td><td><a href="film.mkv">film.mkv</a></td><td align="right">2026-12-03 06:01  </td><td align="right"> 20M</td><td>&nbsp;</td></tr>
   <tr><th colspan="5"><hr></th></tr>
</table>
<address>Apache/2.4.62 (Debian) Server at 127.0.0.1 Port 80</address>
</body></html>"#;
    assert_eq!(
        parse(page).unwrap(),
        vec![
            entry("Season 1", true, None, Some(DEC_3 + 6 * 3600)),
            entry(
                "film.mkv",
                false,
                Some(20 << 20),
                Some(DEC_3 + 6 * 3600 + 60)
            ),
        ]
    );
}

#[test]
fn lighttpd_dirlisting() {
    let page = r#"<div class="list">
<table summary="Directory Listing" cellpadding="0" cellspacing="0">
<thead><tr><th class="n">Name</th><th class="m">Last Modified</th><th class="s">Size</th><th class="t">Type</th></tr></thead>
<tbody>
<tr class="d"><td class="n"><a href="../">Parent Directory</a>/</td><td class="m">&nbsp;</td><td class="s">- &nbsp;</td><td class="t">Directory</td></tr>
<tr class="d"><td class="n"><a href="Season%201/">Season 1</a>/</td><td class="m">2026-Dec-03 06:00:00</td><td class="s">- &nbsp;</td><td class="t">Directory</td></tr>
<tr><td class="n"><a href="film.mkv">film.mkv</a></td><td class="m">2026-Dec-03 06:01:02</td><td class="s">1.5K</td><td class="t">video/x-matroska</td></tr>
</tbody>
</table>
</div>"#;
    assert_eq!(
        parse(page).unwrap(),
        vec![
            entry("Season 1", true, None, Some(DEC_3 + 6 * 3600)),
            entry("film.mkv", false, Some(1536), Some(DEC_3 + 6 * 3600 + 62)),
        ]
    );
}

#[test]
fn links_that_leave_the_folder_are_not_entries() {
    let page = r##"<a href="http://elsewhere.example/x">x</a>
<a href="javascript:alert(1)">y</a>
<a href="/etc/passwd">z</a>
<a href="a/b">nested</a>
<a href="..%2F">up</a>
<a href="%2e%2e/">up</a>
<a href="#top">top</a>
<a href="ok.txt">ok.txt</a>"##;
    assert_eq!(
        parse(page).unwrap(),
        vec![entry("ok.txt", false, None, None)]
    );
}

#[test]
fn markup_in_names_stays_text() {
    let page = r#"<a href="%3Cimg%20src%3Dx%3E.txt">&lt;img src=x&gt;.txt</a> 03-Dec-2026 06:00 7"#;
    assert_eq!(
        parse(page).unwrap(),
        vec![entry(
            "<img src=x>.txt",
            false,
            Some(7),
            Some(DEC_3 + 6 * 3600)
        )]
    );
}

#[test]
fn too_many_entries_is_an_error() {
    let page: String = (0..=MAX_ENTRIES)
        .map(|i| format!("<a href=\"f{i}\">f</a>\n"))
        .collect();
    assert_eq!(parse(&page), Err(ListingError::TooManyEntries));
}

#[test]
fn hostile_input_does_not_panic() {
    for page in [
        "<a",
        "<a href",
        "<a href=",
        "<a href=\"",
        "<a href='x'",
        "<a \u{e9}>",
        "&#xFFFFFFFF;",
        "<a href=\"x\">x</a> 99-Foo-2026 99:99 1e999",
        "<a href=\"x\">x</a> 2026-02-31 1.7976931348623157e308G",
        "[",
        "[{\"name\":1}]",
    ] {
        let _ = parse(page);
    }
}

#[test]
fn a_broken_json_listing_is_named_without_its_bytes() {
    let error = parse(r#"[{"name":"s3cret-token","type":"file","size":"s3cret-size"}]"#)
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("the listing is not valid JSON: line 1, column"),
        "{error}"
    );
    assert!(!error.contains("s3cret"), "{error}");
}
