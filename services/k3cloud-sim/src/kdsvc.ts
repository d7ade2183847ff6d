import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AUTH_PARAMETERS, type AuthMethod, handleAuth } from './auth/auth-service.ts';
import { authenticate } from './auth/authenticate.ts';
import { emptySessionCookie, sessionCookies, sidOf } from './auth/sessions.ts';
import { type FormCall, runForm } from './forms/run-form.ts';
import { packageCount } from './forms/save.ts';
import { asyncModeRefusal, asyncModeRequested } from './protocol/async-mode.ts';
import { argumentsOf, asText, dataObject, EnvelopeError, parseBody } from './protocol/envelope.ts';
import type { SimReply } from './protocol/reply.ts';
import { failureEnvelope, MSG, queryFailure, responseErrorBody } from './protocol/responses.ts';
import type { SimState } from './state.ts';

type Kind = 'auth' | 'form' | 'public';
interface ServiceSpec {
  /** The method name as K3 spells it (stats, fault `services` lists). */
  readonly short: string;
  readonly kind: Kind;
  readonly params: readonly string[];
}

const AUTH_NAMES: Record<AuthMethod, string> = {
  validateuser: 'ValidateUser',
  loginbyappsecret: 'LoginByAppSecret',
  loginbysign: 'LoginBySign',
  logout: 'Logout',
};

/** Positional parameters of the DynamicFormService methods served (reference §3). */
const FORM_METHODS: Readonly<Record<string, readonly string[]>> = {
  Save: ['formid', 'data'],
  BatchSave: ['formid', 'data'],
  Draft: ['formid', 'data'],
  View: ['formid', 'data'],
  Submit: ['formid', 'data'],
  Audit: ['formid', 'data'],
  UnAudit: ['formid', 'data'],
  Delete: ['formid', 'data'],
  ExcuteOperation: ['formid', 'opnumber', 'data'],
  ExecuteBillQuery: ['data'],
  BillQuery: ['data'],
};

/** Queries answer failures in the `[[{"Result":…}]]` form (§2.1, §5.3). */
const QUERIES = new Set(['ExecuteBillQuery', 'BillQuery']);
/** Services that store packages (the cost model charges per bill). */
const SAVES = new Set(['Save', 'BatchSave', 'Draft']);

/** Full service names, lower-cased: IIS routes case-insensitively and clients vary (`batchSave`). */
const SERVICES = new Map<string, ServiceSpec>([
  ...Object.entries(AUTH_PARAMETERS).map(
    ([method, params]) =>
      [
        `kingdee.bos.webapi.servicesstub.authservice.${method}`,
        { short: AUTH_NAMES[method as AuthMethod], kind: 'auth' as Kind, params },
      ] as const,
  ),
  ...Object.entries(FORM_METHODS).map(
    ([method, params]) =>
      [
        `kingdee.bos.webapi.servicesstub.dynamicformservice.${method.toLowerCase()}`,
        { short: method, kind: 'form' as Kind, params },
      ] as const,
  ),
  [
    'kingdee.bos.servicefacade.servicesstub.account.accountservice.getdatacenterlist',
    { short: 'GetDataCenterList', kind: 'public', params: [] },
  ],
]);

const ROUTE = /^\/k3cloud\/(.+)\.common\.kdsvc$/i;

export async function handleKdsvc(
  request: FastifyRequest,
  reply: FastifyReply,
  sim: SimState,
): Promise<void> {
  const path = (request.raw.url ?? '').split('?')[0] ?? '';
  const spec = SERVICES.get(ROUTE.exec(path)?.[1]?.toLowerCase() ?? '');
  if (spec === undefined) {
    await send(reply, { status: 404, body: `The resource cannot be found: ${path}` });
    return;
  }
  sim.stats.call(spec.short);
  sim.stats.enter();
  try {
    await serve(request, reply, sim, spec, path);
  } finally {
    sim.stats.leave();
  }
}

async function serve(
  request: FastifyRequest,
  reply: FastifyReply,
  sim: SimState,
  spec: ServiceSpec,
  path: string,
): Promise<void> {
  const isQuery = QUERIES.has(spec.short);
  const fail = (code: number, message: string): SimReply => ({
    status: 200,
    body: isQuery ? queryFailure(code, message) : failureEnvelope(code, message),
  });
  const early = beforeProcessing(sim, spec, fail);
  if (early !== undefined) return send(reply, early);
  if (sim.faults.config.hang?.afterCommit === false && fire(sim, 'hang', spec.short))
    return hold(request, reply, sim);

  let args: unknown[];
  let body: Record<string, unknown>;
  try {
    body = parseBody(request.body);
    args = argumentsOf(body, spec.params);
  } catch (err) {
    if (err instanceof EnvelopeError)
      return send(reply, { status: 200, body: responseErrorBody(err.message) });
    throw err;
  }
  if (spec.kind !== 'form') return send(reply, answerUnauthenticated(spec, args, sim, request));

  const auth = authorize(request, path, sim, fail);
  if ('status' in auth) return send(reply, auth);
  const cookies = auth.cookies;
  if (asyncModeRequested(body, request.headers)) {
    sim.stats.asyncRefusals += 1;
    const refusal = { status: 200, body: asyncModeRefusal(auth.lcid) };
    // The session the signature just earned is still issued, as for any other answered call.
    return send(reply, cookies === undefined ? refusal : { ...refusal, setCookie: cookies });
  }

  let result: unknown;
  try {
    const call = formCall(spec, args);
    const bills = SAVES.has(spec.short) ? packageCount(call.data) : 0;
    await sim.cost.charge(bills);
    const extraMs = sim.faults.latencyMs(bills);
    if (extraMs > 0) await sleep(extraMs);
    result = runForm(call, sim, auth.lcid);
  } catch (err) {
    if (err instanceof EnvelopeError)
      return send(reply, { status: 200, body: responseErrorBody(err.message) });
    throw err;
  }
  if (sim.faults.config.hang?.afterCommit === true && fire(sim, 'hang', spec.short))
    return hold(request, reply, sim);
  if (fire(sim, 'dropAfterCommit', spec.short) !== undefined) {
    reply.hijack();
    request.raw.socket.destroy();
    return;
  }
  return send(
    reply,
    cookies === undefined ? { status: 200, body: result } : { status: 200, body: result, setCookie: cookies },
  );
}

/** Business-call auth: the refusal to send, or the cookies of a newly issued session. */
function authorize(
  request: FastifyRequest,
  path: string,
  sim: SimState,
  fail: (code: number, message: string) => SimReply,
): SimReply | { readonly cookies: readonly string[] | undefined; readonly lcid: number } {
  const auth = authenticate(request.headers, path, {
    credentials: sim.credentials,
    sessions: sim.sessions,
    signatureMaxSkewMs: sim.signatureMaxSkewMs,
    deployment: sim.deployment,
    now: sim.now,
  });
  switch (auth.kind) {
    case 'session-lost':
      sim.stats.sessionLostAnswers += 1;
      return { ...fail(1, MSG.sessionLost), setCookie: emptySessionCookie(sim.sessions.cookieExpiryMs()) };
    case 'gateway':
      sim.stats.gatewayRefusals += 1;
      return gatewayReply(auth.errcode, auth.description, auth.descriptionCn);
    case 'unknown-acct':
      return { status: 500, body: 'Fail to verify thirty passport' };
    case 'ok':
      if (auth.issued) sim.stats.sessionsIssued += 1;
      return {
        cookies: auth.issued ? sessionCookies(auth.session, sim.sessions.cookieExpiryMs()) : undefined,
        lcid: auth.session.lcid,
      };
  }
}

/** Throttling and the faults that answer before the request is looked at. */
function beforeProcessing(
  sim: SimState,
  spec: ServiceSpec,
  fail: (code: number, message: string) => SimReply,
): SimReply | undefined {
  if (sim.faults.callLimited(spec.short, sim.stats.inFlight, sim.now())) {
    sim.stats.fault('callLimit');
    return fail(14, MSG.callLimit);
  }
  const gateway = fire(sim, 'gatewayError', spec.short);
  if (gateway !== undefined) return gatewayReply(gateway.errcode, gateway.description, gateway.descriptionCn);
  const http = fire(sim, 'http5xx', spec.short);
  if (http !== undefined) return { status: http.status, body: 'Service Unavailable' };
  const exception = fire(sim, 'responseError', spec.short);
  if (exception !== undefined) return { status: 200, body: responseErrorBody(exception.message) };
  return undefined;
}

function fire<K extends Parameters<SimState['faults']['fire']>[0]>(sim: SimState, kind: K, service: string) {
  const rule = sim.faults.fire(kind, service);
  if (rule !== undefined) sim.stats.fault(kind);
  return rule;
}

function answerUnauthenticated(
  spec: ServiceSpec,
  args: unknown[],
  sim: SimState,
  request: FastifyRequest,
): SimReply {
  if (spec.kind === 'public') {
    return {
      status: 200,
      body: [{ Id: sim.credentials.acctId, Number: 'SIM', Name: 'k3cloud-sim', DataBaseType: 3 }],
    };
  }
  const method = spec.short.toLowerCase() as AuthMethod;
  const outcome = handleAuth(method, args, {
    credentials: sim.credentials,
    sessions: sim.sessions,
    signatureMaxSkewMs: sim.signatureMaxSkewMs,
    now: sim.now,
    sid: sidOf(request.headers),
  });
  if (method !== 'logout') {
    if (outcome.loggedIn) sim.stats.logins += 1;
    else sim.stats.loginsRefused += 1;
  }
  return outcome.reply;
}

/** Binds the positional arguments to the method's parameter names. */
function formCall(spec: ServiceSpec, args: readonly unknown[]): FormCall {
  const at = (name: string): unknown => {
    const index = spec.params.indexOf(name);
    return index < 0 ? undefined : args[index];
  };
  return {
    method: spec.short,
    formId: asText(at('formid')),
    opNumber: asText(at('opnumber')),
    data: dataObject(at('data')),
  };
}

function gatewayReply(errcode: number, description: string, descriptionCn: string): SimReply {
  return { status: 519, body: { errcode, description, description_cn: descriptionCn } };
}

/** "Timeouts that hang": answer nothing until the client closes the connection (or maxMs). */
async function hold(request: FastifyRequest, reply: FastifyReply, sim: SimState): Promise<void> {
  reply.hijack();
  const socket = request.raw.socket;
  const maxMs = sim.faults.config.hang?.maxMs ?? 600_000;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => socket.destroy(), maxMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function send(reply: FastifyReply, answer: SimReply): Promise<void> {
  reply.code(answer.status);
  if (answer.setCookie !== undefined) reply.header('set-cookie', [...answer.setCookie]);
  if (typeof answer.body === 'string') {
    reply.header(
      'content-type',
      answer.status === 200 ? 'text/plain; charset=utf-8' : 'text/html; charset=utf-8',
    );
    await reply.send(answer.body);
    return;
  }
  reply.header('content-type', 'application/json; charset=utf-8');
  await reply.send(JSON.stringify(answer.body));
}
