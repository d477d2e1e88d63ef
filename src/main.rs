//! The browser entry point: mounts the app. Trunk builds this binary.
#[cfg(target_arch = "wasm32")]
fn main() {
    dsviz::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("dsviz-web is the browser app; build it with trunk. The native runner is `dsviz`.");
}
