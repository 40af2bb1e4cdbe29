//! Judging a host exercise from libtest's JSON events, not from lines its code can print.
//!
//! ```text
//!   cargo test -p exercises --test T -- --test-threads=1 -Z unstable-options --format json
//!   {"type":"suite","event":"started","test_count":3}     once, first
//!   {"type":"test","event":"started","name":"a"}          one check at a time:
//!   {"type":"test","name":"a","event":"ok"}                 started, then its result
//!   {"type":"suite","event":"failed","passed":2,...}      once, last
//! ```
//!
//! What a check prints is captured into its event's `stdout` field, so a printed summary
//! counts for nothing. Events out of this order (a second start, a result for a check that
//! is not running) are a forged protocol: the exercise scores 0. Events that stop before
//! the suite's end are a crash: the checks that passed before it keep their points.

use super::outcome::{Outcome, Verdict};
use serde_json::Value;

/// Where the events have got to.
#[derive(Default)]
struct Events {
    total: Option<u64>,
    running: Option<String>,
    seen: Vec<String>,
    passed: u64,
    first_failure: Option<String>,
    finished: bool,
}

impl Events {
    /// Takes one event; an error says how it breaks the order.
    fn take(&mut self, event: &Value) -> Result<(), String> {
        let kind = (event["type"].as_str(), event["event"].as_str());
        let name = event["name"].as_str().unwrap_or_default().to_string();
        if self.finished {
            return Err("an event after the suite's end".into());
        }
        match kind {
            (Some("suite"), Some("started")) if self.total.is_none() => {
                self.total = Some(event["test_count"].as_u64().ok_or("no test count")?);
            }
            _ if self.total.is_none() => return Err("an event before the suite started".into()),
            (Some("test"), Some("started")) if self.running.is_none() => {
                if self.seen.contains(&name) {
                    return Err(format!("check `{name}` started twice"));
                }
                self.seen.push(name.clone());
                self.running = Some(name);
            }
            (Some("test"), Some(result)) if self.running.as_deref() == Some(&name) => {
                self.running = None;
                match result {
                    "ok" => self.passed += 1,
                    _ => {
                        let output = event["stdout"].as_str().unwrap_or(result);
                        let message = super::panic_message(output).unwrap_or(result.into());
                        self.first_failure
                            .get_or_insert(format!("{name}: {message}"));
                    }
                }
            }
            (Some("suite"), Some(_)) if self.running.is_none() => self.finished = true,
            _ => return Err(format!("an event out of order: {event}")),
        }
        Ok(())
    }
}

/// Judges the JSON events on `stdout` of a run that ended with `status_ok` (its exit
/// status) and said `stderr` (cargo's build output).
pub fn judge(stdout: &str, stderr: &str, status_ok: bool) -> Outcome {
    let mut events = Events::default();
    let lines = stdout.lines().map(str::trim).filter(|l| l.starts_with('{'));
    for line in lines {
        let Ok(event) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if let Err(why) = events.take(&event) {
            let total = events.total.unwrap_or(0);
            return Outcome::refused(total, format!("the checks' output is forged ({why})"));
        }
    }
    let Some(total) = events.total else {
        let verdict = match super::build_error(stderr) {
            Some(error) => Verdict::DoesNotBuild(error),
            None => Verdict::Crashed("the checks did not start".into()),
        };
        return Outcome {
            passed: 0,
            total: 0,
            verdict,
        };
    };
    let verdict = match (events.finished, events.running, events.first_failure) {
        (false, running, _) => Verdict::Crashed(match running {
            Some(name) => format!("during `{name}`, the test process died"),
            None => "the test process died between checks".into(),
        }),
        (true, _, Some(failure)) => Verdict::Failed(failure),
        (true, _, None) if !status_ok => {
            let why = "the checks' output disagrees with their exit status";
            return Outcome::refused(total, why.into());
        }
        (true, _, None) if events.passed == total => Verdict::Passed,
        (true, _, None) => Verdict::Failed(format!(
            "{} of {total} checks did not run",
            total - events.passed
        )),
    };
    Outcome {
        passed: events.passed,
        total,
        verdict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STARTED: &str = r#"{ "type": "suite", "event": "started", "test_count": 3 }"#;

    fn test(name: &str, event: &str) -> String {
        format!(r#"{{ "type": "test", "event": "{event}", "name": "{name}" }}"#)
    }

    #[test]
    fn a_clean_run_passes_and_a_failure_is_named() {
        let run = [
            STARTED.to_string(),
            test("a", "started"),
            test("a", "ok"),
            test("b", "started"),
            r#"{ "type": "test", "name": "b", "event": "failed", "stdout": "thread 'b' panicked at exercises/tests/x.rs:9:5:\nnot done: best fit\n" }"#.into(),
            test("c", "started"),
            test("c", "ok"),
            r#"{ "type": "suite", "event": "failed", "passed": 2, "failed": 1 }"#.into(),
        ];
        let outcome = judge(&run.join("\n"), "", false);
        assert_eq!((outcome.passed, outcome.total), (2, 3));
        assert_eq!(
            outcome.verdict,
            Verdict::Failed("b: not done: best fit".into())
        );
        let clean = [STARTED.into(), test("a", "started"), test("a", "ok")].join("\n");
        let clean = format!("{clean}\n{}", r#"{ "type": "suite", "event": "ok" }"#);
        let outcome = judge(&clean, "", true);
        assert_eq!(
            outcome.verdict,
            Verdict::Failed("2 of 3 checks did not run".into())
        );
    }

    #[test]
    fn a_printed_summary_counts_for_nothing() {
        // The fake_summary cheat: the stub prints libtest's summary line straight to stdout.
        let run = [
            STARTED.to_string(),
            test("a", "started"),
            "test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out".into(),
            "test best_fit ... ok".into(),
            test("a", "failed"),
            r#"{ "type": "suite", "event": "failed" }"#.into(),
        ];
        let outcome = judge(&run.join("\n"), "", false);
        assert_eq!(outcome.passed, 0);
        assert_eq!(outcome.score(10), 0.0);
    }

    #[test]
    fn a_forged_event_scores_zero() {
        let run = [
            STARTED.to_string(),
            test("a", "started"),
            test("a", "ok"),
            test("a", "ok"),
        ];
        let outcome = judge(&run.join("\n"), "", true);
        assert!(
            matches!(outcome.verdict, Verdict::Refused(_)),
            "{outcome:?}"
        );
        assert_eq!(outcome.score(10), 0.0);
    }

    #[test]
    fn a_crash_keeps_the_passes_before_it() {
        let run = [
            STARTED.to_string(),
            test("a", "started"),
            test("a", "ok"),
            test("b", "started"),
        ];
        let outcome = judge(&run.join("\n"), "", false);
        assert_eq!((outcome.passed, outcome.total), (1, 3));
        assert_eq!(
            outcome.verdict,
            Verdict::Crashed("during `b`, the test process died".into())
        );
        assert!((outcome.score(30) - 10.0).abs() < 1e-9);
        let broken = judge(
            "",
            "   Compiling exercises\nerror[E0308]: mismatched types\n",
            false,
        );
        assert_eq!(
            broken.verdict,
            Verdict::DoesNotBuild("error[E0308]: mismatched types".into())
        );
    }
}
