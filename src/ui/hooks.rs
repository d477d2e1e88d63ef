//! Measuring the box a view draws into, so SVG units are CSS pixels and text keeps its
//! size on any screen.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::layout::Size;

/// Call `measure` once the elements behind `nodes` are on the page, and again whenever
/// one of them changes size (a `ResizeObserver`: the browser reports it after its own
/// layout, so a render never forces one, and a frame whose boxes keep their size measures
/// nothing).
#[hook]
pub fn use_resize(nodes: Vec<NodeRef>, measure: Rc<dyn Fn()>) {
    use_effect_with(nodes, move |nodes| {
        measure();
        let callback = Closure::<dyn Fn()>::new(move || measure());
        let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok();
        if let Some(o) = &observer {
            for el in nodes.iter().filter_map(|n| n.cast::<web_sys::Element>()) {
                o.observe(&el);
            }
        }
        move || {
            if let Some(o) = observer {
                o.disconnect();
            }
            drop(callback);
        }
    });
}

/// The size of the element behind `node`, measured when it first shows and whenever it
/// changes size. Starts at [`Size::FALLBACK`] until the first measurement.
#[hook]
pub fn use_box_size(node: NodeRef) -> Size {
    let size = use_state(|| Size::FALLBACK);
    let last = use_mut_ref(|| Rc::new(Cell::new(Size::FALLBACK))).borrow().clone();
    let measure: Rc<dyn Fn()> = {
        let (size, node) = (size.setter(), node.clone());
        Rc::new(move || {
            if let Some(el) = node.cast::<web_sys::Element>() {
                let rect = el.get_bounding_client_rect();
                let measured = Size::new(rect.width().floor(), rect.height().floor());
                let was = last.get();
                if (measured.w - was.w).abs() >= 1.0 || (measured.h - was.h).abs() >= 1.0 {
                    last.set(measured);
                    size.set(measured);
                }
            }
        })
    };
    use_resize(vec![node], measure);
    *size
}
