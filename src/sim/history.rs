//! Time travel over a run: step forward, step back, seek to any step, and fork when the
//! user acts in the past.
//!
//! The run is its start plus a list of timed interventions, so any step can be rebuilt by
//! replaying. Checkpoints (world clones) every [`CHECKPOINT_EVERY`] steps keep a seek to
//! at most that many replayed steps, as RaftScope does.

use super::act::{Act, TimedAct};
use super::simulation::{Checkpoint, Simulation};
use super::trace::Trace;
use super::Time;

pub const CHECKPOINT_EVERY: u64 = 256;

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
    /// The furthest step reached since the last fork: the end of the scrubber.
    horizon: u64,
    /// Interventions that could not be replayed (e.g. a hand-edited URL names a message
    /// that is not in flight then), with the reason; they are skipped.
    problems: Vec<String>,
    /// The log as far as the run has been seen, kept while the cursor is behind the
    /// horizon, so the diagram can show what lies ahead (the run is deterministic, so the
    /// log at the cursor is a prefix of it).
    ahead: Option<Trace>,
}

impl History {
    /// Start from a fresh simulation at step 0 with the scenario's interventions.
    pub fn new(sim: Box<dyn Simulation>, mut acts: Vec<TimedAct>) -> Self {
        acts.sort_by_key(|a| a.step);
        let checkpoint = sim.checkpoint();
        let mut h = History { sim, acts, applied: 0, saved: vec![Saved { step: 0, applied: 0, checkpoint }], horizon: 0, problems: Vec::new(), ahead: None };
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

    pub fn acts(&self) -> &[TimedAct] {
        &self.acts
    }

    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// The longest log seen since the last fork: the current one, or the one ahead of
    /// the cursor when it has stepped back.
    pub fn known_trace(&self) -> &Trace {
        self.ahead.as_ref().unwrap_or(self.sim.trace())
    }

    /// Apply the interventions recorded for the current step that are not applied yet.
    fn apply_due_acts(&mut self) {
        let step = self.sim.steps();
        while let Some(timed) = self.acts.get(self.applied).filter(|a| a.step == step).cloned() {
            if let Some(t) = timed.time {
                self.sim.advance_to(t);
            }
            if let Err(why) = self.sim.apply(&timed.act) {
                let problem = format!("intervention {} skipped: {why}", timed.encode());
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
        if !self.sim.step() {
            return false;
        }
        self.apply_due_acts();
        let step = self.sim.steps();
        if step.is_multiple_of(CHECKPOINT_EVERY) && self.saved.last().is_none_or(|s| s.step < step) {
            self.saved.push(Saved { step, applied: self.applied, checkpoint: self.sim.checkpoint() });
        }
        self.horizon = self.horizon.max(step);
        if self.ahead.as_ref().is_some_and(|a| self.sim.trace().events.len() >= a.events.len()) {
            self.ahead = None;
        }
        true
    }

    pub fn back(&mut self) {
        let step = self.step();
        if step > 0 {
            self.seek(step - 1);
        }
    }

    /// Go to step `target` (or as far as the run goes). Returns the step reached.
    pub fn seek(&mut self, target: u64) -> u64 {
        let step = self.step();
        let i = self.saved.iter().rposition(|s| s.step <= target).expect("step 0 is always saved");
        if target < step {
            if self.ahead.is_none() {
                self.ahead = Some(self.sim.trace().clone());
            }
            let saved = &self.saved[i];
            self.sim.restore(&saved.checkpoint, None);
            self.applied = saved.applied;
            self.apply_due_acts();
        } else if self.saved[i].step > step {
            // A checkpoint lies between here and the target: jump to it instead of
            // replaying (it was taken on the run ahead, whose log we still hold).
            if let Some(ahead) = &self.ahead {
                let saved = &self.saved[i];
                self.sim.restore(&saved.checkpoint, Some(ahead));
                self.applied = saved.applied;
                self.apply_due_acts();
            }
        }
        while self.step() < target && self.forward() {}
        self.step()
    }

    /// Run forward while the next happening is due at or before `time` (for playing in
    /// continuous time). Stops after `max_steps`. Returns the number of steps taken.
    pub fn run_until(&mut self, time: Time, max_steps: u64) -> u64 {
        let mut taken = 0;
        while taken < max_steps && self.sim.next_due().is_some_and(|due| due <= time) && self.forward() {
            taken += 1;
        }
        taken
    }

    /// Act at the cursor. If the cursor is in the past, the future is cut first (a fork).
    /// `at` is the simulated time of the click, between this step and the next.
    pub fn act(&mut self, act: Act, at: Option<Time>) -> Result<(), String> {
        let step = self.step();
        let before = self.sim.now();
        if let Some(t) = at {
            self.sim.advance_to(t);
        }
        self.sim.apply(&act)?;
        self.acts.truncate(self.applied);
        self.saved.retain(|s| s.step <= step);
        // Only a click between steps needs its time; at a step the step's time is implied.
        let time = Some(self.sim.now()).filter(|&t| t != before);
        self.acts.push(TimedAct { step, time, act });
        self.applied = self.acts.len();
        self.horizon = step;
        self.ahead = None;
        Ok(())
    }
}
