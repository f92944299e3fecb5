import type { RecognitionResult } from '../results.js';

/**
 * The result gate's rule for analysis results (API v3): each stretch of audio is analysed once for
 * the whole stream, as each final is emitted once.
 *
 * A classifier's or a speaker's result about an utterance or a final (a window with times) is
 * about audio that a later session may hear again: a replay after a rollover or a recovery starts
 * at the last confirmed final, which can be behind what was already reported. That session's
 * result for the same audio is a repeat, dropped: a window ending where an emitted one of the same
 * classifier (or speaker) ended, within `toleranceMs`, is the same audio. A replaced session's result
 * about an utterance that starts past what finals reported is dropped too: its replacement hears
 * that audio again.
 *
 * Results about a partial are interim and pass as partials do. Results about a whole session
 * (`window: 'session'`) are that session's own, once per session, and always pass.
 */
export class AnalysisGate {
  /** Per classifier or speaker and window: where the last emitted result's window ended. */
  private readonly lastEndMs = new Map<string, number>();

  constructor(private readonly toleranceMs: number) {}

  /** Whether an analysis result goes to the reader; `reportedUntilMs` is the end of the last final emitted. */
  pass(r: RecognitionResult, replaced: boolean, reportedUntilMs: number): boolean {
    const key = windowKey(r);
    if (key === undefined) return true;
    if (r.endMs === undefined) return !replaced;
    // An utterance that starts past what finals reported was not finalized by this session: the
    // replay covers it. (Its end is no test: a window may reach past its last final, to the pause.)
    if (replaced && (r.startMs ?? r.endMs) > reportedUntilMs) return false;
    const last = this.lastEndMs.get(key);
    if (last !== undefined && r.endMs <= last + this.toleranceMs) return false;
    this.lastEndMs.set(key, r.endMs);
    return true;
  }
}

/** Whether a result is analysis (a replaced session keeps it for `AnalysisGate` to judge). */
export function isAnalysis(r: RecognitionResult): boolean {
  return r.type === 'classifier' || r.type === 'speakerAnalysis' || r.type === 'conversationAnalysis' || r.type === 'summarization';
}

/** What identifies a series of windowed results, or undefined for results that are not windowed audio. */
function windowKey(r: RecognitionResult): string | undefined {
  if (r.type === 'classifier' && r.window !== 'partial') return `classifier:${r.classifier}:${r.window}`;
  if (r.type === 'speakerAnalysis' && r.window === 'utterance') return `speaker:${r.speakerTag}:${r.channelTag}`;
  return undefined;
}
