/** Counters behind `GET /_sim/stats`. */
export class SimStats {
  callsByService: Record<string, number> = {};
  billsSaved = 0;
  billsRefused = 0;
  duplicatesRefused = 0;
  /** Bills stored under a number already used (the account's numbering rule allows duplicates). */
  duplicateNumbersSaved = 0;
  logins = 0;
  loginsRefused = 0;
  sessionsIssued = 0;
  sessionLostAnswers = 0;
  /** Calls in the SDKs' async mode (beginmethod/querymethod), refused without saving. */
  asyncRefusals = 0;
  gatewayRefusals = 0;
  faultsInjected: Record<string, number> = {};
  inFlight = 0;
  maxConcurrency = 0;

  call(service: string): void {
    this.callsByService[service] = (this.callsByService[service] ?? 0) + 1;
  }

  fault(kind: string): void {
    this.faultsInjected[kind] = (this.faultsInjected[kind] ?? 0) + 1;
  }

  enter(): void {
    this.inFlight += 1;
    if (this.inFlight > this.maxConcurrency) this.maxConcurrency = this.inFlight;
  }

  leave(): void {
    this.inFlight -= 1;
  }

  snapshot(): Record<string, unknown> {
    return {
      callsByService: { ...this.callsByService },
      billsSaved: this.billsSaved,
      billsRefused: this.billsRefused,
      duplicatesRefused: this.duplicatesRefused,
      duplicateNumbersSaved: this.duplicateNumbersSaved,
      logins: this.logins,
      loginsRefused: this.loginsRefused,
      sessionsIssued: this.sessionsIssued,
      sessionLostAnswers: this.sessionLostAnswers,
      asyncRefusals: this.asyncRefusals,
      gatewayRefusals: this.gatewayRefusals,
      faultsInjected: { ...this.faultsInjected },
      inFlight: this.inFlight,
      maxConcurrency: this.maxConcurrency,
    };
  }
}
