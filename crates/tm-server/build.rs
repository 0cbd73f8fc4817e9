// The web UI is embedded with include_dir!, which stable Rust cannot track:
// rebuild when its files change, so the binary never serves a stale UI.
fn main() {
    println!("cargo:rerun-if-changed=../../web/app");
    println!("cargo:rerun-if-changed=migrations");
}
