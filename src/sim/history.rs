//! Time travel over a run: step forward, step back, seek to any step, and fork when the
//! user acts in the past.
//!
//! The run is its start plus a list of timed interventions, so any step can be rebuilt by
//! replaying. Checkpoints (world clones) every [`CHECKPOINT_EVERY`] steps keep a seek to
//! at most that many replayed steps, as RaftScope does. The log is never copied: seeking
//! moves its cursor, and replaying writes the same records over themselves; only acting
//! in the past (a fork) cuts the run ahead.

use super::act::{Act, TimedAct};
use super::simulation::{Checkpoint, Simulation};
use super::trace::Trace;
use super::Time;
use crate::phrase;
use crate::words::Text;

pub const CHECKPOINT_EVERY: u64 = 256;
/// The most checkpoints kept. When a long run fills them, every other one is dropped and
/// the spacing doubles: memory stays bounded, and a seek replays at most the spacing
/// (1,024 steps at a million, well under a millisecond each way).
pub const MAX_CHECKPOINTS: usize = 512;

struct Saved {
    step: u64,
    /// How many interventions had been applied when it was taken.
    applied: usize,
    checkpoint: Checkpoint,
}

pub struct History {
    sim: Box<dyn Simulation>,
    /// Sorted by step; those at or before the cursor have been applied.
    acts: Vec<TimedAct>,
    applied: usize,
    saved: Vec<Saved>,
    /// Steps between checkpoints: [`CHECKPOINT_EVERY`], doubled each time they fill up.
    spacing: u64,
    /// The furthest step reached since the last fork: the end of the scrubber.
    horizon: u64,
    /// Interventions that could not be replayed (e.g. a hand-edited URL names a message
    /// that is not in flight then), with the reason; they are skipped.
    problems: Vec<Text>,
}

impl History {
    /// Start from a fresh simulation at step 0 with the scenario's interventions.
    pub fn new(sim: Box<dyn Simulation>, mut acts: Vec<TimedAct>) -> Self {
        acts.sort_by_key(|a| a.step);
        let checkpoint = sim.checkpoint();
        let mut h = History { sim, acts, applied: 0, saved: vec![Saved { step: 0, applied: 0, checkpoint }], spacing: CHECKPOINT_EVERY, horizon: 0, problems: Vec::new() };
        h.apply_due_acts();
        h
    }

    pub fn sim(&self) -> &dyn Simulation {
        self.sim.as_ref()
    }

    pub fn step(&self) -> u64 {
        self.sim.steps()
    }

    pub fn horizon(&self) -> u64 {
        self.horizon.max(self.step())
    }

    /// How many checkpoints are kept, and their spacing in steps (for benchmarks).
    pub fn checkpoints(&self) -> (usize, u64) {
        (self.saved.len(), self.spacing)
    }

    pub fn acts(&self) -> &[TimedAct] {
        &self.acts
    }

    pub fn problems(&self) -> &[Text] {
        &self.problems
    }

    /// The log, with the run known ahead of the cursor (after stepping back).
    pub fn known_trace(&self) -> &Trace {
        self.sim.trace()
    }

    /// Apply the interventions recorded for the current step that are not applied yet.
    fn apply_due_acts(&mut self) {
        let step = self.sim.steps();
        while let Some(timed) = self.acts.get(self.applied).filter(|a| a.step == step).cloned() {
            if let Err(why) = self.sim.apply_at(&timed.act, timed.time) {
                let problem = phrase!("note.skipped", timed.encode(), why);
                if !self.problems.contains(&problem) {
                    self.problems.push(problem);
                }
            }
            self.applied += 1;
        }
        // Interventions for steps the run never reaches (it went quiet first) stay pending.
    }

    /// One step forward; false when the run is quiescent.
    pub fn forward(&mut self) -> bool {
        self.forward_before(Time::MAX)
    }

    /// One step forward if something is due at or before `limit`.
    fn forward_before(&mut self, limit: Time) -> bool {
        if !self.sim.step_before(limit) {
            return false;
        }
        self.apply_due_acts();
        let step = self.sim.steps();
        if step.is_multiple_of(self.spacing) && self.saved.last().is_none_or(|s| s.step < step) {
            self.saved.push(Saved { step, applied: self.applied, checkpoint: self.sim.checkpoint() });
            if self.saved.len() > MAX_CHECKPOINTS {
                self.spacing *= 2;
                let spacing = self.spacing;
                self.saved.retain(|s| s.step.is_multiple_of(spacing));
            }
        }
        self.horizon = self.horizon.max(step);
        true
    }

    pub fn back(&mut self) {
        let step = self.step();
        if step > 0 {
            self.seek(step - 1);
        }
    }

    /// Go to step `target` (or as far as the run goes). Returns the step reached. Costs
    /// at most [`CHECKPOINT_EVERY`] replayed steps, whatever the length of the run.
    pub fn seek(&mut self, target: u64) -> u64 {
        let step = self.step();
        let i = self.saved.iter().rposition(|s| s.step <= target).expect("step 0 is always saved");
        // Back, or forward past a checkpoint taken on this run: jump to the checkpoint.
        if target < step || self.saved[i].step > step {
            let saved = &self.saved[i];
            self.sim.restore(&saved.checkpoint);
            self.applied = saved.applied;
            self.apply_due_acts();
        }
        while self.step() < target && self.forward() {}
        self.step()
    }

    /// Run forward while the next happening is due at or before `time` (for playing in
    /// continuous time). Stops after `max_steps`. Returns the number of steps taken.
    pub fn run_until(&mut self, time: Time, max_steps: u64) -> u64 {
        let mut taken = 0;
        while taken < max_steps && self.sim.next_due().is_some_and(|due| due <= time) && self.forward_before(time) {
            taken += 1;
        }
        taken
    }

    /// Act at the cursor. If the cursor is in the past, the future is cut first (a fork).
    /// `at` is the simulated time of the click, between this step and the next. A refused
    /// act changes nothing: not the clock, not the run ahead.
    pub fn act(&mut self, act: Act, at: Option<Time>) -> Result<(), Text> {
        self.sim.validate(&act)?;
        let step = self.step();
        let before = self.sim.now();
        self.sim.fork();
        self.sim.apply_at(&act, at)?;
        self.acts.truncate(self.applied);
        self.saved.retain(|s| s.step <= step);
        // Only a click between steps needs its time; at a step the step's time is implied.
        let time = Some(self.sim.now()).filter(|&t| t != before);
        self.acts.push(TimedAct { step, time, act });
        self.applied = self.acts.len();
        self.horizon = step;
        Ok(())
    }
}
