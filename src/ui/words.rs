//! The page's own words (buttons, headings, hints), in both languages. Protocol words live
//! with each protocol; the engine's in `crate::words::CORE`.

use crate::words::{w, Words};

pub const UI: Words = &[
    w("ui.not_promised", "not promised: watch it break", "不保证：看它如何被打破"),
    w("ui.title", "dsviz", "dsviz"),
    // Header.
    w("ui.algorithm", "algorithm", "算法"),
    w("ui.scenario", "scenario", "场景"),
    w("ui.own_run", "(your own run)", "（自定义运行）"),
    w("ui.topology_field", "topology", "拓扑"),
    w("ui.seed", "seed", "种子"),
    w("ui.next_seed", "Next seed: the same scenario with other random delays", "下一个种子：同一场景，换一组随机延迟"),
    w("ui.language", "language", "语言"),
    w("ui.on", "on", "开"),
    w("ui.off", "off", "关"),
    w("ui.bad_seed", "The seed is a whole number (0 or more).", "种子必须是非负整数。"),
    // Transport bar.
    w("ui.run_controls", "Run controls", "运行控制"),
    w("ui.reset", "Reset", "重置"),
    w("ui.reset_help", "Start afresh: the same settings without your interventions", "从头开始：保留设置，去掉你的干预"),
    w("ui.rewind_help", "Back to the start, keeping your interventions (Home; End goes to the last step)", "回到开始，保留你的干预（Home；End 跳到最后一步）"),
    w("ui.step_back", "step", "后退"),
    w("ui.back_help", "Step back (←)", "后退一步（←）"),
    w("ui.play", "play", "播放"),
    w("ui.play_help", "Play (space)", "播放（空格）"),
    w("ui.pause", "pause", "暂停"),
    w("ui.pause_help", "Pause (space)", "暂停（空格）"),
    w("ui.step_forward", "step", "前进"),
    w("ui.forward_help", "Step forward (→)", "前进一步（→）"),
    w("ui.seek", "Seek to a step", "跳到某一步"),
    w("ui.goto", "go to step", "跳到第几步"),
    w("ui.goto_help", "Type a step and press Enter: the run is replayed to it", "输入步数后按回车：重放到该步"),
    w("ui.text_size", "text size", "字号"),
    w("ui.text_size_help", "Make every text on the page larger (for the back row)", "放大页面上的所有文字（给后排看）"),
    w("url.view", "'{0}' is not accepted; expected one of {1}", "不接受“{0}”；应为以下之一：{1}"),
    // The viewer's interventions, listed after a lesson's title.
    w("ui.act_at", "{0} at step {1}", "第 {1} 步{0}"),
    w("ui.act.crash", "crash n{0}", "n{0} 崩溃"),
    w("ui.act.recover", "recover n{0}", "n{0} 恢复"),
    w("ui.act.input", "{1} at n{0}", "n{0} {1}"),
    w("ui.act.drop", "drop message {0}", "丢弃消息 {0}"),
    w("ui.act.delay", "delay message {0}", "延迟消息 {0}"),
    w("ui.act.dup", "duplicate message {0}", "复制消息 {0}"),
    w("ui.act.cut", "cut link {0}-{1}", "切断链路 {0}-{1}"),
    w("ui.act.restore", "restore link {0}-{1}", "恢复链路 {0}-{1}"),
    w("ui.act.link", "change link {0}-{1}", "修改链路 {0}-{1}"),
    w("ui.act.partition", "partition the network", "网络分区"),
    w("ui.act.heal", "heal the network", "修复网络"),
    w("ui.act.network", "change the network", "修改网络设置"),
    w("ui.step", "step", "步"),
    w("ui.ended", "run ended", "运行已结束"),
    w("ui.ended_rest", "all at rest", "全部静止"),
    w("ui.ended_stalled", "stalled, {0} waiting", "停滞，{0} 个节点在等待"),
    w("ui.speed_help", "Speed (+ and -, or ] and [)", "速度（+ 和 -，或 ] 和 [）"),
    w("ui.speed", "speed", "速度"),
    w("ui.link", "Link to this run", "本次运行的链接"),
    w("ui.copy", "Copy link", "复制链接"),
    w("ui.copy_help", "Copy a link that opens this run at this step", "复制一个在此步打开本次运行的链接"),
    w("ui.copied", "Link copied: it opens this run at this step.", "链接已复制：它会在此步打开本次运行。"),
    w("ui.copy_by_hand", "Copy the link from the box beside the button.", "请从按钮旁的文本框复制链接。"),
    w("ui.theme", "Light or dark", "浅色或深色"),
    // Export, ShiViz import, embedding.
    w("ui.export", "Export", "导出"),
    w("ui.export_help", "Save the pictures (SVG, PNG at 2×), the whole run (JSON) or its event log (ShiViz); import a ShiViz log", "保存图片（SVG，2 倍 PNG）、整个运行（JSON）或其事件日志（ShiViz）；导入 ShiViz 日志"),
    w("ui.export_run", "This run", "本次运行"),
    w("ui.export_json_help", "The scenario, the event log, the messages and the violations up to this step, as JSON", "截至此步的场景、事件日志、消息和违例，JSON 格式"),
    w("ui.export_shiviz_help", "The event log with vector clocks, for ShiViz (parser regex: its default)", "带向量时钟的事件日志，供 ShiViz 使用（解析正则：其默认值）"),
    w("ui.shiviz_log", "ShiViz log", "ShiViz 日志"),
    w("ui.shiviz_none", "This run keeps no vector clocks (too many nodes), so it has no ShiViz log.", "本次运行没有记录向量时钟（节点太多），因此没有 ShiViz 日志。"),
    w("ui.export_failed", "The export did not work: {0}", "导出失败：{0}"),
    w("ui.import", "Import ShiViz log…", "导入 ShiViz 日志…"),
    w("ui.import_help", "Draw the log of your own program (ShiViz or GoVector format) as a time-space diagram", "把你自己程序的日志（ShiViz 或 GoVector 格式）画成时空图"),
    w("ui.import_title", "Import a ShiViz log", "导入 ShiViz 日志"),
    w("ui.import_about", "Paste a log or open a file: two lines per event, a description and then the host with its vector clock, such as n0 {\"n0\":2,\"n1\":1} (GoVector's order, host line first, works too). Messages are inferred from the clocks, as ShiViz does. ShiViz's parser regex:", "粘贴日志或打开文件：每个事件两行，先是描述，再是主机名和它的向量时钟，例如 n0 {\"n0\":2,\"n1\":1}（GoVector 的顺序，主机行在前，也可以）。消息与 ShiViz 一样由时钟推断。ShiViz 的解析正则："),
    w("ui.import_paste", "The log", "日志"),
    w("ui.import_file", "or open a file", "或打开文件"),
    w("ui.import_show", "Show the diagram", "显示时空图"),
    w("ui.import_failed", "This log could not be read:", "无法读取此日志："),
    w("ui.cancel", "Cancel", "取消"),
    w("ui.imported_title", "Imported log", "导入的日志"),
    w("ui.imported_summary", "{0} hosts, {1} events, {2} messages (inferred from the clocks)", "{0} 个主机，{1} 个事件，{2} 条消息（由时钟推断）"),
    w("ui.imported_back", "Back to the simulation", "返回模拟"),
    w("ui.imported_note", "A log is a picture, not a run: nothing here can be played, stepped or broken. Events are placed by their causal order, not by time.", "日志只是一张图，不是一次运行：这里不能播放、单步或注入故障。事件按因果顺序排列，而非按时间。"),
    w("ui.import_hint", "Click an event: its causal past and future light up, and its line of the log shows here.", "点击一个事件：它的因果过去和未来会高亮，并在此显示它在日志中的行。"),
    w("ui.import_line", "line", "行"),
    w("ui.embed_open_help", "Open this run in the full page (a new tab)", "在完整页面中打开本次运行（新标签页）"),
    // Banner and notices.
    w("ui.problems", "Part of this link could not be used (the rest is as linked):", "链接中有部分内容无法使用（其余部分照常）："),
    w("ui.dismiss", "dismiss", "关闭"),
    w("ui.sentence_end", ". ", "。"),
    w("ui.notice.ended", "The run has ended: nothing is in flight and no timer is armed.", "运行已结束：没有在途消息，也没有待触发的定时器。"),
    w("ui.notice.paused_select", "Paused to show what you selected (space plays on, Esc clears the selection).", "已暂停，以便查看所选对象（空格继续播放，Esc 取消选择）。"),
    w("ui.notice.speed", "Speed {0}", "速度 {0}"),
    w("ui.notice.afresh", "Started afresh: same settings, no interventions.", "已从头开始：设置不变，没有干预。"),
    w("ui.notice.not_done", "Not done: {0}", "未执行：{0}"),
    w("ui.problem.defaults", "{0}; showing the protocol's defaults", "{0}；显示该协议的默认设置"),
    w("ui.problem.too_far", "at: step {0} is too far to replay in a page; accepted: 0 to {1} (showing step {1})", "at：第 {0} 步太远，页面无法重放；可接受 0 到 {1}（显示第 {1} 步）"),
    w("ui.problem.past_end", "at: step {0} is past the end of this run; showing its last step, {1}", "at：第 {0} 步超出了本次运行的结尾；显示最后一步 {1}"),
    // The pictures.
    w("ui.topology", "Topology", "拓扑"),
    w("ui.topology_label", "{0} nodes on a {1}", "{1}上的 {0} 个节点"),
    w("ui.diagram", "Time-space diagram", "时空图"),
    w("ui.diagram_hint", " · numbers are Lamport clocks · click an event: its causal past and future light up", " · 数字为 Lamport 时钟 · 点击事件可点亮它的因果过去与未来"),
    w("ui.causal_past", "causal past", "因果过去"),
    w("ui.causal_future", "causal future", "因果未来"),
    w("ui.concurrent", "concurrent", "并发"),
    w("ui.send", "send", "发送"),
    w("ui.local_event", "local", "本地事件"),
    w("ui.start_event", "start / recover", "启动或恢复"),
    w("ui.crash_event", "crash / discard", "崩溃或丢弃"),
    w("ui.milestone", "milestone", "里程碑"),
    w("ui.broken", "invariant broken", "不变式被打破"),
    w("ui.down_line", "down", "宕机"),
    w("ui.cut_key", "cut", "切面"),
    w("ui.timeout_key", "timeout", "超时"),
    w("ui.lost_key", "lost message", "消息丢失"),
    w("ui.link_cut_key", "cut link", "断开的链路"),
    w("ui.link_slow_key", "slow link", "慢速链路"),
    w("ui.link_lossy_key", "lossy link", "丢包链路"),
    w("ui.receive", "receive", "接收"),
    w("ui.vectors", "vector stamps", "向量时间戳"),
    w("ui.vectors_help", "Show vector clocks under the events", "在事件下方显示向量时钟"),
    w("ui.zoom_in", "Zoom in", "放大"),
    w("ui.zoom_out", "Zoom out", "缩小"),
    w("ui.breaks", "⚠ This step breaks the invariant “{0}”: {1}", "⚠ 这一步违反了不变式“{0}”：{1}"),
    w("ui.break_hint", "Click a node, a message or a link to break it", "点击节点、消息或链路即可破坏它"),
    w("ui.nodes_start", "{0} nodes start", "{0} 个节点启动"),
    // The menu at a clicked thing.
    w("ui.node_title", "node {0}", "节点 {0}"),
    w("ui.crash", "Crash", "崩溃"),
    w("ui.recover", "Recover", "恢复"),
    w("ui.join", "Join", "加入"),
    w("ui.go", "Go", "执行"),
    w("ui.close", "Close", "关闭"),
    w("ui.doomed", "already doomed: the network will lose it", "注定丢失：网络会丢掉它"),
    w("ui.drop_msg", "Drop", "丢弃"),
    w("ui.delay_msg", "Delay +100", "延迟 +100"),
    w("ui.duplicate_msg", "Duplicate", "复制"),
    w("ui.restore_link", "Restore link", "恢复链路"),
    w("ui.cut", "Cut", "切断"),
    w("ui.slow", "Slow ×5", "减速 ×5"),
    w("ui.lossy", "Lose 50%", "丢失 50%"),
    w("ui.link_title", "link {0} – {1}", "链路 {0} – {1}"),
    w("ui.link_cut", " (cut)", "（已切断）"),
    w("ui.link_delay", " (delay {0}, drop {1}%)", "（延迟 {0}，丢失 {1}%）"),
    w("ui.link_drop", " (drop {0}%)", "（丢失 {0}%）"),
    // Inspector.
    w("ui.inspector", "Inspector", "检查器"),
    w("ui.inspector_hint", "Click a node, a message or a link to inspect it and to break it: crash, drop, delay, duplicate, cut.", "点击节点、消息或链路来查看并破坏它：崩溃、丢弃、延迟、复制、切断。"),
    w("ui.lamport", "Lamport clock", "Lamport 时钟"),
    w("ui.vector", "vector clock", "向量时钟"),
    w("ui.timer", "timer", "定时器"),
    w("ui.timer_at", "{0} at t={1}", "{0}，t={1} 到期"),
    w("ui.message_title", "Message {0}: {1}", "消息 {0}：{1}"),
    w("ui.from_to", "from → to", "从 → 到"),
    w("ui.content", "content", "内容"),
    w("ui.sent_at", "sent at", "发送时刻"),
    w("ui.arrives_at", "arrives at", "到达时刻"),
    w("ui.dies_at", "dies at", "丢失时刻"),
    w("ui.message_gone", "That message is no longer in flight.", "这条消息已不在途中。"),
    w("ui.event_title", "Event {0}", "事件 {0}"),
    w("ui.time_step", "time / step", "时间 / 步"),
    w("ui.transit_chain", "transit chain", "传输链长度"),
    // Monitors.
    w("ui.invariants", "Invariants", "不变式"),
    w("ui.one_violation", "1 violation in this run", "本次运行有 1 次违反"),
    w("ui.violations", "{0} violations in this run", "本次运行有 {0} 次违反"),
    w("ui.costs", "Costs: measured vs textbook", "代价：实测与教科书"),
    w("ui.metric", "metric", "指标"),
    w("ui.measured", "measured", "实测"),
    w("ui.textbook", "textbook", "教科书"),
    w("ui.sent_delivered", "messages sent / delivered", "发送 / 交付的消息"),
    w("ui.dropped_duplicated", "dropped / duplicated", "丢失 / 复制"),
    // Network panel.
    w("ui.network", "Network", "网络"),
    w("ui.delay_ticks", "delay (ticks)", "延迟（时间单位）"),
    w("ui.drop_percent", "drop %", "丢失 %"),
    w("ui.duplicate_percent", "duplicate %", "复制 %"),
    w("ui.drop", "drop", "丢失"),
    w("ui.duplicate", "duplicate", "复制"),
    w("ui.fifo", "FIFO links", "FIFO 链路"),
    w("ui.apply_now", "Apply from now", "从现在起生效"),
    w("ui.partition", "partition", "分区"),
    w("ui.split", "Split", "分割"),
    w("ui.heal", "Heal", "愈合"),
    w("ui.bad_delay", "delay '{0}': expected MIN-MAX ticks, e.g. 40-80", "延迟“{0}”：应为 最小-最大 时间单位，例如 40-80"),
    w("ui.bad_percent", "{0} '{1}': expected a percentage from 0 to 100", "{0}“{1}”：应为 0 到 100 的百分比"),
    w("ui.bad_partition", "partition '{0}': write groups of node ids joined by '.', separated by '/', e.g. 0.1.2/3.4 (nodes 0 to {1})", "分区“{0}”：用“.”连接同组节点，用“/”分隔各组，例如 0.1.2/3.4（节点 0 到 {1}）"),
    // The family compared on one workload.
    w("ui.compare", "The family side by side", "同族算法对比"),
    w("ui.compare_help", "The same workload through every algorithm of this family: N={0}, seed {1}, a request every {2} ticks on average, {3} ticks in the CS, 20,000 events each.", "用同一负载运行本族的每个算法：N={0}，种子 {1}，平均每 {2} 个时间单位一次请求，在临界区停留 {3} 个时间单位，各运行 20,000 个事件。"),
    w("ui.compare_run", "Run the comparison", "运行对比"),
    // Event log.
    w("ui.log_title", "Event log ({0} events, newest first)", "事件日志（{0} 个事件，最新在前）"),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key the page's code asks for is in this table (keys are found in the
    /// source, so a new button without its words fails here, not in the lecture hall).
    #[test]
    fn every_word_the_page_uses_exists_in_both_languages() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/ui");
        let mut used = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            for (i, _) in text.match_indices("\"ui.") {
                let rest = &text[i + 1..];
                let key: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '_').collect();
                if rest[key.len()..].starts_with('"') && !key.ends_with('.') {
                    used.insert(key);
                }
            }
        }
        assert!(used.len() > 50, "found only {} keys", used.len());
        for key in &used {
            let word = UI.iter().find(|w| w.key == key).unwrap_or_else(|| panic!("no words for {key}"));
            assert!(!word.en.is_empty() && !word.zh.is_empty(), "{key}");
        }
        let mut keys: Vec<&str> = UI.iter().map(|w| w.key).collect();
        keys.sort_unstable();
        let all = keys.len();
        keys.dedup();
        assert_eq!(all, keys.len(), "a key is defined twice");
    }
}
