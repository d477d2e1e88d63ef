//! Charts computed from the run (a series per line, or the latest values as bars), drawn
//! as small SVGs, with any thresholds as dashed levels across them. The geometry is plain
//! maths, tested natively; the drawing is wasm only.

use crate::sim::view::{Axis, Chart};

pub const WIDTH: f64 = 240.0;
pub const HEIGHT: f64 = 84.0;
/// Room a chart takes beside the picture (its width plus frame and gap), or below it.
pub const STRIP: f64 = 268.0;
pub const BAND: f64 = 150.0;
const PAD: f64 = 6.0;
/// Up to this many rounds, each round gets a tick on the x axis.
const ROUND_TICKS: u64 = 40;

/// The top of the value scale: the largest value or threshold (1 when all are 0), so a
/// threshold above every value is still on the chart.
fn top(chart: &Chart) -> f64 {
    let values = chart.lines().flat_map(|s| s.points().iter().map(|p| p.1));
    let levels = chart.thresholds().filter_map(|s| s.level());
    let top = values.chain(levels).fold(0f64, f64::max);
    if top > 0.0 {
        top
    } else {
        1.0
    }
}

fn y_of(v: f64, top: f64) -> f64 {
    HEIGHT - PAD - (HEIGHT - 2.0 * PAD) * v.max(0.0) / top
}

/// The x range of the lines: over time from the earliest point to `now` (each value holds
/// until then); over rounds from the first round to the last. None: no points yet.
fn x_range(chart: &Chart, now: u64) -> Option<(u64, u64)> {
    let xs = chart.lines().flat_map(|s| s.points().iter().map(|p| p.0));
    let (x0, x1) = xs.fold((u64::MAX, 0u64), |(a, b), x| (a.min(x), b.max(x)));
    let x1 = if chart.axis() == Axis::Time { x1.max(now) } else { x1 };
    (x0 <= x1).then_some((x0, x1))
}

/// One polyline's points ("x,y x,y …") per line (thresholds left out), scaled to the chart
/// box, values from 0 to the top. Over time, as steps that hold until `now`; over rounds,
/// point to point.
pub fn lines(chart: &Chart, now: u64) -> Vec<String> {
    let count = chart.lines().count();
    let Some((t0, t1)) = x_range(chart, now) else { return vec![String::new(); count] };
    let span = (t1 - t0).max(1) as f64;
    let top = top(chart);
    let steps = chart.axis() == Axis::Time;
    chart
        .lines()
        .map(|s| {
            let xy = |t: u64, v: f64| format!("{:.1},{:.1}", PAD + (WIDTH - 2.0 * PAD) * (t - t0) as f64 / span, y_of(v, top));
            let mut out: Vec<String> = Vec::with_capacity(2 * s.points().len());
            let mut last: Option<f64> = None;
            for &(t, v) in s.points() {
                // A value over time holds until the next one: steps, not slopes.
                if let (Some(prev), true) = (last, steps) {
                    out.push(xy(t, prev));
                }
                out.push(xy(t, v));
                last = Some(v);
            }
            if let (Some(v), Some(&(t, _)), true) = (last, s.points().last(), steps) {
                if t < t1 {
                    out.push(xy(t1, v));
                }
            }
            out.join(" ")
        })
        .collect()
}

/// The y of each threshold's level, in the order of [`Chart::thresholds`].
pub fn levels(chart: &Chart) -> Vec<f64> {
    let top = top(chart);
    chart.thresholds().map(|s| y_of(s.level().unwrap_or(0.0), top)).collect()
}

/// The x of each round's tick over rounds, when there are few enough rounds to tick each.
pub fn round_ticks(chart: &Chart) -> Vec<f64> {
    match (chart.axis(), x_range(chart, 0)) {
        (Axis::Rounds, Some((r0, r1))) if r1 - r0 <= ROUND_TICKS => {
            let span = (r1 - r0).max(1) as f64;
            (r0..=r1).map(|r| PAD + (WIDTH - 2.0 * PAD) * (r - r0) as f64 / span).collect()
        }
        _ => Vec::new(),
    }
}

/// (x, width, height) of each line's bar, for the latest values (thresholds are levels
/// across the bars, not bars).
pub fn bars(chart: &Chart) -> Vec<(f64, f64, f64)> {
    let values: Vec<f64> = chart.lines().map(|s| s.last().unwrap_or(0.0)).collect();
    let levels = chart.thresholds().filter_map(|s| s.level());
    let top = values.iter().copied().chain(levels).fold(0.0, f64::max).max(1e-9);
    let k = values.len().max(1) as f64;
    let slot = (WIDTH - 2.0 * PAD) / k;
    values.iter().enumerate().map(|(i, v)| (PAD + slot * i as f64 + slot * 0.15, slot * 0.7, (HEIGHT - 2.0 * PAD) * v.max(0.0) / top)).collect()
}

#[cfg(target_arch = "wasm32")]
pub fn chart(d: &crate::words::Dictionary, chart: &Chart, now: u64) -> yew::Html {
    use crate::sim::view::ChartKind;
    use yew::prelude::*;
    let body = match chart.kind {
        ChartKind::Lines => {
            let lines = lines(chart, now);
            lines.into_iter().enumerate().map(|(i, pts)| html! { <polyline class={format!("series series-{}", i % 6)} points={pts} /> }).collect::<Html>()
        }
        ChartKind::Bars => {
            let bars = bars(chart);
            bars.into_iter()
                .enumerate()
                .map(|(i, (x, w, h))| html! {
                    <rect class={format!("series series-{}", i % 6)} x={x.to_string()} y={(HEIGHT - PAD - h).to_string()} width={w.to_string()} height={h.to_string()} />
                })
                .collect::<Html>()
        }
    };
    let levels = levels(chart).into_iter().zip(chart.thresholds()).map(|(y, s)| html! {
        <line class="chart-threshold" x1={PAD.to_string()} y1={format!("{y:.1}")} x2={(WIDTH - PAD).to_string()} y2={format!("{y:.1}")}>
            <title>{d.render(&s.label)}</title>
        </line>
    });
    let ticks = round_ticks(chart).into_iter().map(|x| html! {
        <line class="chart-tick" x1={format!("{x:.1}")} y1={(HEIGHT - PAD).to_string()} x2={format!("{x:.1}")} y2={(HEIGHT - PAD + 3.0).to_string()} />
    });
    html! {
        <figure class="chart" data-chart={chart.id}>
            <figcaption>{d.id("chart", chart.id)}</figcaption>
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} width={WIDTH.to_string()} height={HEIGHT.to_string()} role="img" aria-label={d.id("chart", chart.id)}>
                <line class="axis" x1={PAD.to_string()} y1={(HEIGHT - PAD).to_string()} x2={(WIDTH - PAD).to_string()} y2={(HEIGHT - PAD).to_string()} />
                { for ticks }
                {body}
                { for levels }
            </svg>
            <div class="chart-legend">
                { for chart.lines().enumerate().map(|(i, s)| html! {
                    <span class={format!("series-key series-{}", i % 6)}><i />{format!("{} {}", d.render(&s.label), s.last().map_or("–".to_string(), super::text::figure))}</span>
                }) }
                { for chart.thresholds().map(|s| html! {
                    <span class="series-key chart-threshold"><i />{format!("{} {}", d.render(&s.label), s.last().map_or("–".to_string(), super::text::figure))}</span>
                }) }
            </div>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::view::{ChartKind, Series};
    use crate::words::Text;

    #[test]
    fn rounds_go_point_to_point_and_end_at_the_last_round() {
        let mut s = Series::over_rounds(Text::plain("I"));
        for r in 0..=4u64 {
            s.push_round(r, (r * r) as f64);
        }
        let c = Chart { id: "spread", kind: ChartKind::Lines, series: vec![s] };
        // Long after the last round, the line still ends at the right edge: no hold to now.
        let l = lines(&c, 1_000_000);
        let pts: Vec<&str> = l[0].split(' ').collect();
        assert_eq!(pts.len(), 5, "one point per round, no steps: {}", l[0]);
        assert_eq!(pts[0], format!("{PAD:.1},{:.1}", HEIGHT - PAD));
        assert_eq!(pts[4], format!("{:.1},{PAD:.1}", WIDTH - PAD));
        let ticks = round_ticks(&c);
        assert_eq!(ticks.len(), 5);
        assert!((ticks[0] - PAD).abs() < 1e-9 && (ticks[4] - (WIDTH - PAD)).abs() < 1e-9, "{ticks:?}");
    }

    #[test]
    fn thresholds_are_levels_on_the_value_scale() {
        let mut phi = Series::new(Text::plain("phi"));
        phi.push(0, 2.0);
        phi.push(10, 4.0);
        // A threshold above every value raises the scale so it stays on the chart.
        let c = Chart { id: "phi", kind: ChartKind::Lines, series: vec![phi.clone(), Series::threshold(Text::plain("limit"), 8.0)] };
        assert_eq!(levels(&c), vec![PAD]);
        let l = lines(&c, 10);
        assert_eq!(l.len(), 1, "a threshold is not a line");
        assert!(l[0].ends_with(&format!("{:.1}", HEIGHT / 2.0)), "4 of 8 is half way: {}", l[0]);
        // Below the values, it sits at its share of the largest value.
        let c = Chart { series: vec![phi, Series::threshold(Text::plain("limit"), 1.0)], ..c };
        assert!((levels(&c)[0] - (HEIGHT - PAD - (HEIGHT - 2.0 * PAD) / 4.0)).abs() < 1e-9);
        // Over bars too: no bar for the threshold, and the bars scale with it.
        let mut load = Series::new(Text::plain("n0"));
        load.push(0, 5.0);
        let b = Chart { id: "load", kind: ChartKind::Bars, series: vec![load, Series::threshold(Text::plain("limit"), 10.0)] };
        let bars = bars(&b);
        assert_eq!(bars.len(), 1);
        assert!((bars[0].2 - (HEIGHT - 2.0 * PAD) / 2.0).abs() < 1e-9, "{bars:?}");
        assert!(round_ticks(&b).is_empty(), "no round ticks over time");
    }

    #[test]
    fn lines_fill_the_box_and_bars_scale_to_the_largest() {
        let mut a = Series::new(Text::plain("a"));
        let mut b = Series::new(Text::plain("b"));
        for t in 0..=10 {
            a.push(t * 10, t as f64);
            b.push(t * 10, 10.0 - t as f64);
        }
        let c = Chart { id: "x", kind: ChartKind::Lines, series: vec![a, b] };
        let l = lines(&c, 100);
        assert!(l[0].starts_with(&format!("{PAD:.1},{:.1}", HEIGHT - PAD)), "{}", l[0]);
        assert!(l[0].ends_with(&format!("{:.1},{PAD:.1}", WIDTH - PAD)), "{}", l[0]);
        // Later, the last value holds until now: the line goes on flat to the right edge.
        let later = lines(&c, 200);
        assert!(later[0].ends_with(&format!("{:.1},{PAD:.1}", WIDTH - PAD)), "{}", later[0]);
        assert!(later[0].contains(&format!("{:.1},{PAD:.1}", PAD + (WIDTH - 2.0 * PAD) / 2.0)), "{}", later[0]);
        let bars = bars(&Chart { kind: ChartKind::Bars, ..c });
        assert_eq!(bars.len(), 2);
        assert!((bars[0].2 - (HEIGHT - 2.0 * PAD)).abs() < 1e-9 && bars[1].2.abs() < 1e-9, "{bars:?}");
    }
}
