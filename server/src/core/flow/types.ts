/**
 * The request flow as the core computes it (`traceFlow`): plain data with core locations. The CLI
 * prints it (shared/cli-contract.md `flow`), lsp/convert.ts turns it into the protocol's FlowResult.
 */
import type { Loc } from '../python/values';
import type { UrlLeaf } from '../urls/tree';

export type StepKind =
  | 'entry' | 'settings' | 'middleware' | 'resolver' | 'decorator' | 'mixin' | 'view' | 'form'
  | 'serializer' | 'model' | 'template' | 'context_processor' | 'signal' | 'response' | 'problem';

export interface Step {
  kind: StepKind;
  phase?: 'request' | 'response';
  label: string;
  detail?: string;
  tooltip?: string;
  loc?: Loc;
  children?: Step[];
  /** How this step can end the request early (a redirect, a 403, a 405, …). */
  canAnswer?: string;
}

export interface FlowTried {
  route: string;
  name: string | null;
  loc?: Loc;
}

export interface FlowNearest extends FlowTried {
  example: string;
}

export interface Flow {
  path: string;
  method: string;
  match: {
    leaf: UrlLeaf;
    route: string;
    kwargs: Record<string, unknown>;
  } | null;
  redirect: string | null;
  methodNotAllowed?: { allowed: string[]; why: string };
  /** Nothing matched; `notKnown`: matching reached patterns we cannot read, so Django may well answer. */
  notFound?: { reason: string; stoppedAt: string; tried: FlowTried[]; nearest: FlowNearest[]; notKnown?: boolean };
  steps: Step[];
}

export interface RouteExample {
  example: string;
  leaf: UrlLeaf;
  /** The leaf's route without a regex's `^`/`$` (what a typed path is compared with). */
  routeText: string;
}
