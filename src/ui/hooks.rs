//! Measuring the box a view draws into, so SVG units are CSS pixels and text keeps its
//! size on any screen.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::layout::Size;

/// The size of the element behind `node`, re-measured after every render and on window
/// resize. Starts at [`Size::FALLBACK`] until the first measurement.
#[hook]
pub fn use_box_size(node: NodeRef) -> Size {
    let size = use_state(|| Size::FALLBACK);
    let resized = use_state(|| 0u32);
    {
        let size = size.clone();
        let node = node.clone();
        use_effect(move || {
            if let Some(el) = node.cast::<web_sys::Element>() {
                let rect = el.get_bounding_client_rect();
                let measured = Size::new(rect.width().floor(), rect.height().floor());
                if (measured.w - size.w).abs() >= 1.0 || (measured.h - size.h).abs() >= 1.0 {
                    size.set(measured);
                }
            }
        });
    }
    {
        let resized = resized.clone();
        use_effect_with((), move |_| {
            let on_resize = Closure::<dyn Fn()>::new(move || resized.set(*resized + 1));
            let window = web_sys::window().expect("window");
            let _ = window.add_event_listener_with_callback("resize", on_resize.as_ref().unchecked_ref());
            move || {
                let _ = window.remove_event_listener_with_callback("resize", on_resize.as_ref().unchecked_ref());
            }
        });
    }
    *size
}
