//! Charts computed from the run (a series per line, or the latest values as bars), drawn
//! as small SVGs. The geometry is plain maths, tested natively; the drawing is wasm only.

use crate::sim::view::Chart;

pub const WIDTH: f64 = 240.0;
pub const HEIGHT: f64 = 84.0;
/// Room a chart takes beside the picture (its width plus frame and gap), or below it.
pub const STRIP: f64 = 268.0;
pub const BAND: f64 = 150.0;
const PAD: f64 = 6.0;

/// One polyline's points ("x,y x,y …") per series, as steps, scaled to the chart box; time runs
/// from the earliest point of any series to `now` (each value holds until then), values
/// from 0 to the largest.
pub fn lines(chart: &Chart, now: u64) -> Vec<String> {
    let all = chart.series.iter().flat_map(|s| s.points().iter());
    let (t0, t1, top) = all.fold((u64::MAX, 0u64, 0f64), |(a, b, m), &(t, v)| (a.min(t), b.max(t), m.max(v)));
    let t1 = t1.max(now);
    if t0 > t1 {
        return vec![String::new(); chart.series.len()];
    }
    let span = (t1 - t0).max(1) as f64;
    let top = if top > 0.0 { top } else { 1.0 };
    chart
        .series
        .iter()
        .map(|s| {
            // A value holds until the next one: steps, not slopes.
            let xy = |t: u64, v: f64| format!("{:.1},{:.1}", PAD + (WIDTH - 2.0 * PAD) * (t - t0) as f64 / span, HEIGHT - PAD - (HEIGHT - 2.0 * PAD) * v / top);
            let mut out: Vec<String> = Vec::with_capacity(2 * s.points().len());
            let mut last: Option<f64> = None;
            for &(t, v) in s.points() {
                if let Some(prev) = last {
                    out.push(xy(t, prev));
                }
                out.push(xy(t, v));
                last = Some(v);
            }
            if let (Some(v), Some(&(t, _))) = (last, s.points().last()) {
                if t < t1 {
                    out.push(xy(t1, v));
                }
            }
            out.join(" ")
        })
        .collect()
}

/// (x, width, height) of each series' bar, for the latest values.
pub fn bars(chart: &Chart) -> Vec<(f64, f64, f64)> {
    let values: Vec<f64> = chart.series.iter().map(|s| s.last().unwrap_or(0.0)).collect();
    let top = values.iter().copied().fold(0.0, f64::max).max(1e-9);
    let k = values.len().max(1) as f64;
    let slot = (WIDTH - 2.0 * PAD) / k;
    values.iter().enumerate().map(|(i, v)| (PAD + slot * i as f64 + slot * 0.15, slot * 0.7, (HEIGHT - 2.0 * PAD) * v / top)).collect()
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
    html! {
        <figure class="chart" data-chart={chart.id}>
            <figcaption>{d.id("chart", chart.id)}</figcaption>
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} width={WIDTH.to_string()} height={HEIGHT.to_string()} role="img" aria-label={d.id("chart", chart.id)}>
                <line class="axis" x1={PAD.to_string()} y1={(HEIGHT - PAD).to_string()} x2={(WIDTH - PAD).to_string()} y2={(HEIGHT - PAD).to_string()} />
                {body}
            </svg>
            <div class="chart-legend">
                { for chart.series.iter().enumerate().map(|(i, s)| html! {
                    <span class={format!("series-key series-{}", i % 6)}><i />{format!("{} {}", d.render(&s.label), s.last().map_or("–".to_string(), super::text::figure))}</span>
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
