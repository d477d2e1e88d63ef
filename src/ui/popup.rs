//! The small menu at whatever the user selects on the topology (node, message, link):
//! what can be done to it now. Where it opens and what it offers are decided by the
//! topology model; this draws it and sends the chosen intervention.

use yew::prelude::*;

use super::topology_model::{Popup, PopupKind};
use super::state::{Action, AppHandle, Selection};
use crate::sim::protocol::{ArgKind, InputSpec};
use crate::sim::{Act, NodeId};
use crate::words::Dictionary;

fn place(corner: super::layout::Point) -> String {
    format!("left:{:.0}px;top:{:.0}px", corner.x, corner.y)
}

/// A click that sends `act` (and goes no further).
fn act(state: &AppHandle, a: Act) -> Callback<MouseEvent> {
    let dispatch = state.dispatcher();
    Callback::from(move |e: MouseEvent| {
        e.stop_propagation();
        dispatch.dispatch(Action::Act(a.clone()));
    })
}

pub fn popup(state: &AppHandle, d: &Dictionary, p: &Popup) -> Html {
    let close = {
        let dispatch = state.dispatcher();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            dispatch.dispatch(Action::Select(Selection::None));
        })
    };
    let buttons = match &p.kind {
        PopupKind::Node { node, up, absent, inputs, n } => node_buttons(state, d, *node, *up, *absent, inputs, *n),
        PopupKind::Message { doomed: true, .. } => html! { <span class="hint">{d.word("ui.doomed")}</span> },
        PopupKind::Message { id, .. } => html! {
            <>
                <button class="danger" onclick={act(state, Act::Drop(*id))} data-act="drop">{d.word("ui.drop_msg")}</button>
                <button onclick={act(state, Act::Delay(*id, 100))} data-act="delay">{d.word("ui.delay_msg")}</button>
                <button onclick={act(state, Act::Duplicate(*id))} data-act="duplicate">{d.word("ui.duplicate_msg")}</button>
            </>
        },
        PopupKind::Link { a, b, special, cut, slow, lossy } => html! {
            <>
                if *special { <button onclick={act(state, Act::Restore(*a, *b))} data-act="restore">{d.word("ui.restore_link")}</button> }
                if !*cut {
                    <button class="danger" onclick={act(state, Act::Cut(*a, *b))} data-act="cut">{d.word("ui.cut")}</button>
                    <button onclick={act(state, slow.clone())} data-act="slow">{d.word("ui.slow")}</button>
                    <button onclick={act(state, lossy.clone())} data-act="lossy">{d.word("ui.lossy")}</button>
                }
            </>
        },
    };
    html! {
        <div class={classes!("popup", p.compact.then_some("compact"))} style={place(p.corner)} onclick={Callback::from(|e: MouseEvent| e.stop_propagation())} data-testid="popup">
            <div class="popup-title">{p.title.clone()}<button class="close" onclick={close} aria-label={d.word("ui.close")}>{"×"}</button></div>
            <div class="popup-buttons">{buttons}</div>
        </div>
    }
}

/// A node's inputs (while it is up), then crash, recover or join.
fn node_buttons(state: &AppHandle, d: &Dictionary, i: NodeId, up: bool, absent: bool, inputs: &[InputSpec], n: usize) -> Html {
    html! {
        <>
            { for inputs.iter().filter(|_| up).map(|spec| match spec.arg {
                None => html! { <button onclick={act(state, Act::Input(i, spec.id.to_string(), None))} data-input={spec.id}>{d.id("input", spec.id)}</button> },
                // One button per receiver: a message drawn from this node to that one.
                Some(ArgKind::Node) => html! {
                    <div class="popup-row" data-input={spec.id}>
                        <span>{d.id("input", spec.id)}</span>
                        { for (0..n).filter(|&j| j != i).map(|j| html! {
                            <button class="small" onclick={act(state, Act::Input(i, spec.id.to_string(), Some(j.to_string())))} data-arg={j.to_string()}>{format!("n{j}")}</button>
                        }) }
                    </div>
                },
                Some(_) => html! { <ArgInput node={i} input={spec.id} label={d.id("input", spec.id)} go={d.word("ui.go")} /> },
            }) }
            if up {
                <button class="danger" onclick={act(state, Act::Crash(i))} data-act="crash">{d.word("ui.crash")}</button>
            } else if absent {
                <button onclick={act(state, Act::Recover(i))} data-act="recover">{d.word("ui.join")}</button>
            } else {
                <button onclick={act(state, Act::Recover(i))} data-act="recover">{d.word("ui.recover")}</button>
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ArgInputProps {
    node: usize,
    input: &'static str,
    label: String,
    go: String,
}

/// An input that takes a value (a command, a key): a small field and a button.
#[function_component(ArgInput)]
fn arg_input(props: &ArgInputProps) -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    let field = use_node_ref();
    let onclick = {
        let dispatch = state.dispatcher();
        let field = field.clone();
        let (node, input) = (props.node, props.input);
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            let value = field.cast::<web_sys::HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            dispatch.dispatch(Action::Act(Act::Input(node, input.to_string(), Some(value.trim().to_string()))));
        })
    };
    html! {
        <div class="popup-row" data-input={props.input}>
            <span>{props.label.clone()}</span>
            <input ref={field} size="6" data-arg="value" />
            <button class="small" {onclick}>{props.go.clone()}</button>
        </div>
    }
}
