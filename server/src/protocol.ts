/**
 * The custom LSP messages of Django Atlas, typed once and imported by both the client
 * (client/src) and the server (server/src/lsp). Call sites use these types, never a method string.
 * Keep the list in ARCHITECTURE.md ("Custom LSP messages") in step with this file.
 */
import { RequestType, RequestType0, NotificationType } from 'vscode-languageserver-protocol';

/**
 * The `djangoAtlas.*` settings, as the client sends them in `initializationOptions` and under
 * `djangoAtlas` in `workspace/didChangeConfiguration`. Adding a setting: declare it under
 * `contributes.configuration` in package.json, add it here and in client/src/settings.ts
 * `readSettings`, then read it in server/src/lsp/main.ts.
 */
export interface DjangoAtlasSettings {
  /** Overrides the detected DJANGO_SETTINGS_MODULE; '' means "detect it". */
  settingsModule: string;
  /** Extra folders searched for modules (e.g. a virtualenv's site-packages), absolute or workspace-relative. */
  pythonPaths: string[];
  codeLens: { enable: boolean };
  diagnostics: { enable: boolean };
  trace: { server: 'off' | 'messages' | 'verbose' };
}

/** One Django project found in the workspace, as shown in the status bar. */
export interface ProjectStatus {
  /** Folder holding manage.py (or the project root), as a file path. */
  root: string;
  /** The settings module in force, or null when none could be found. */
  settingsModule: string | null;
  rootUrlconf: string | null;
  urlCount: number;
  viewCount: number;
  /** Loadable template names (0 until the templates are indexed). */
  templateCount: number;
  /** The project's own folders Django searches for templates (the client gives their HTML files the django-html language). */
  templateDirs?: string[];
  /** Problems that stop the analysis of this project (missing settings, unreadable URLconf). */
  errors: string[];
}

export interface StatusResult {
  state: 'indexing' | 'ready' | 'no-project';
  projects: ProjectStatus[];
}

/** Client → server: the current state of the index, for the status bar and the status report. */
export const StatusRequest = new RequestType0<StatusResult, void>('djangoAtlas/status');

/** Server → client: the index changed (a project was (re)indexed); the client re-asks StatusRequest. */
export const IndexChangedNotification = new NotificationType<StatusResult>('djangoAtlas/indexChanged');

/** Where a map node's source is: a file URI and a 0-based position. */
export interface MapLocation {
  uri: string;
  line: number;
  character: number;
}

export type MapNodeKind =
  | 'project' | 'group' | 'app' | 'include' | 'url' | 'view' | 'model' | 'field' | 'template' | 'admin'
  | 'signal' | 'command' | 'library' | 'middleware' | 'setting' | 'drf';

/** One node of the project map (the sidebar tree, and `django-atlas map`). */
export interface MapNode {
  label: string;
  description?: string;
  tooltip?: string;
  kind: MapNodeKind;
  location?: MapLocation;
  /** For URL nodes: the full route, for "copy route". */
  route?: string;
  /** For URL nodes: an example path that resolves to it, for "Trace". */
  example?: string;
  children?: MapNode[];
  /** A group whose children come with a request for it (`ProjectMapParams.group`). */
  lazy?: boolean;
}

export interface ProjectMapParams {
  /** One group's nodes: the project's index and the group's index among its children. */
  group?: { project: number; group: number };
  /** Every node whose label or description contains this, with its ancestors (all groups built). */
  filter?: string;
}

export interface ProjectMapResult {
  /** One root per Django project: group headers (lazy), or the filtered tree. With `group`: one root, that group. */
  projects: MapNode[];
}

/**
 * Client → server: the project map. Without params the projects and their group headers; then
 * each group when it is opened (the client re-asks on IndexChangedNotification).
 */
export const ProjectMapRequest = new RequestType<ProjectMapParams, ProjectMapResult, void>('djangoAtlas/projectMap');

// ---- request flow --------------------------------------------------------------------------

/** What a step of the request flow is (the CLI's `steps[].kind`, see shared/cli-contract.md). */
export type FlowStepKind =
  | 'entry' | 'settings' | 'middleware' | 'resolver' | 'decorator' | 'mixin' | 'view' | 'form'
  | 'serializer' | 'model' | 'template' | 'context_processor' | 'signal' | 'response' | 'problem';

/** One step of a request's way through Django, in the order Django runs them. */
export interface FlowStep {
  kind: FlowStepKind;
  /** `request` or `response` for middleware. */
  phase?: 'request' | 'response';
  label: string;
  /** A short second text (hooks a middleware defines, captured kwargs, the handler's class). */
  detail?: string;
  /** Longer explanation for a tooltip. */
  tooltip?: string;
  location?: MapLocation;
  /** Sub-steps (an include's patterns tried, a template's extends/include chain, …). */
  children?: FlowStep[];
  /** Marks a step that can end the request early (a middleware that may redirect, a 405, …). */
  canAnswer?: string;
}

export interface FlowParams {
  /** A path or a full URL (scheme, host, query and fragment are ignored). */
  path: string;
  method: string;
  /** The project (its root folder path) when the workspace has several; else the first. */
  root?: string;
}

export interface FlowMatch {
  route: string;
  name: string | null;
  kwargs: Record<string, unknown>;
  view: { module: string; qualname: string; location?: MapLocation } | null;
}

/** Why nothing answered: the level where matching stopped, the patterns tried there, the nearest. */
export interface FlowNotFound {
  reason: string;
  /** The include that matched last ('' for the root URLconf). */
  stoppedAt: string;
  tried: { route: string; name: string | null; location?: MapLocation }[];
  nearest: { route: string; name: string | null; example: string; location?: MapLocation }[];
  /** Matching reached an include whose patterns cannot be read: Django may answer there (not a 404 for sure). */
  notKnown?: boolean;
}

export interface FlowResult {
  path: string;
  method: string;
  /** Root folder of the project traced; null when no Django project is open. */
  root: string | null;
  match: FlowMatch | null;
  redirect: string | null;
  /** 405: the view does not answer this method (with the methods it does answer). */
  methodNotAllowed?: { allowed: string[]; why: string };
  notFound?: FlowNotFound;
  steps: FlowStep[];
}

/** Client → server: the request flow for one method + path. */
export const FlowRequest = new RequestType<FlowParams, FlowResult, void>('djangoAtlas/flow');

export interface RouteSuggestion {
  /** An example path filled in for the route (`/blog/2024/hello/`). */
  example: string;
  /** The full route as people read it, with its leading `/` (`/blog/<int:year>/<slug:slug>/`; a router's regex as `/api/users/<pk>/`). */
  route: string;
  /** The namespaced URL name (`blog:post-detail`), or null. */
  name: string | null;
  /** The view's dotted name (`blog.views.PostDetailView`), or null when unknown. */
  view: string | null;
  /** Where the pattern is written (`path(…)`). */
  location?: MapLocation;
  /** A route of library code (the admin's, a view in site-packages): listed after the project's own. */
  library?: boolean;
}

/** Client → server: the project's routes with example paths (its own first, then the libraries'), for the Trace URL input box. */
export const FlowRoutesRequest = new RequestType<{ root?: string }, RouteSuggestion[], void>('djangoAtlas/flowRoutes');

/** A kind of scaffold ("New View…"), as the server's table (core/scaffold/kinds.ts) describes it. */
export interface ScaffoldKindInfo {
  id: string;
  title: string;
  description: string;
}

/** Client → server: the scaffolds there are, for the "Django Atlas: New…" picker. */
export const ScaffoldKindsRequest = new RequestType0<ScaffoldKindInfo[], void>('djangoAtlas/scaffoldKinds');

export interface ScaffoldParams {
  kind: string;
  /** The project's root; when absent, the project holding `at`, else the first project. */
  root?: string;
  /** The file or folder the command was run on (the explorer's selection, the active editor): its app is proposed. */
  at?: string;
  /** The answers so far, by input id. */
  values: Record<string, string>;
}

/** One question of a scaffold, with what the project offers for it. */
export interface ScaffoldQuestion {
  id: string;
  prompt: string;
  placeholder?: string;
  /** May be left empty: the scaffold then uses its default. */
  optional?: boolean;
  /** For an optional pick list: the label of the empty answer. */
  none?: string;
  /** A pick list; `free`: something else may be typed too. */
  choices?: { value: string; label: string; description?: string }[];
  free?: boolean;
  /** Proposed before the user types (the app of `at`, the default route, `base.html`). */
  initial?: string;
  /** Question `index` of `count` (for the input box's title). */
  index: number;
  count: number;
}

export interface ScaffoldStepResult {
  /** The project it applies to, or null when there is none. */
  root: string | null;
  /** The next question, or none when every input has an answer. */
  question?: ScaffoldQuestion;
  error?: string;
}

/** Client → server: the next question of a scaffold given the answers so far. */
export const ScaffoldStepRequest = new RequestType<ScaffoldParams, ScaffoldStepResult, void>('djangoAtlas/scaffoldStep');

/** Client → server: what is wrong with one answer (null when it is fine), while the user types it. */
export const ScaffoldCheckRequest = new RequestType<ScaffoldParams & { id: string; value: string }, string | null, void>('djangoAtlas/scaffoldCheck');

/** One file a scaffold creates or changes; a change is given as minimal text edits against `before`. */
export interface ScaffoldFileEdit {
  uri: string;
  /** The file does not exist yet: `text` is its whole content. */
  created: boolean;
  text?: string;
  /** For a changed file: its text the plan was made against (the client refuses when the file differs now). */
  before?: string;
  changes?: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[];
}

export interface ScaffoldPlanResult {
  root: string | null;
  /** Why the scaffold cannot be made (nothing is changed). */
  error?: string;
  edits: ScaffoldFileEdit[];
  notes: string[];
  /** Where to put the cursor afterwards: the new code. */
  focus?: { uri: string; line: number; character: number };
  /** The whole plan as a unified diff (paths relative to the project), for the confirmation. */
  diff?: string;
}

/** Client → server: the edits of a scaffold, for a WorkspaceEdit the user confirms (the server writes nothing). */
export const ScaffoldPlanRequest = new RequestType<ScaffoldParams, ScaffoldPlanResult, void>('djangoAtlas/scaffoldPlan');

// ---- management commands -------------------------------------------------------------------

/** One of the project's own management commands (an app of the project, not site-packages). */
export interface ManagementCommandInfo {
  /** What `manage.py` is given. */
  name: string;
  /** The app's label. */
  app: string;
  /** The command's module, as a file path. */
  file: string;
}

export interface ProjectCommands {
  /** Folder holding manage.py (or the project root), as a file path: the tasks' working directory. */
  root: string;
  commands: ManagementCommandInfo[];
}

/** Client → server: every Django project with its own management commands, for the `django` tasks. */
export const ManagementCommandsRequest = new RequestType0<ProjectCommands[], void>('djangoAtlas/managementCommands');

/** One problem of `manage.py check` as Django printed it (`blog.Tag.name: (fields.E120) …`). */
export interface CheckProblemInfo {
  /** What Django printed before the colon: `app.Model.field`, `<class 'a.b.C'>`, `?`. */
  object: string;
  id: string;
  message: string;
}

export interface LocateCheckProblemsParams {
  /** The folder the check ran in (a project root); absent: the first project. */
  root?: string;
  problems: CheckProblemInfo[];
}

/** Client → server: where each problem is in the source (null: not known), in order. */
export const LocateCheckProblemsRequest = new RequestType<LocateCheckProblemsParams, (MapLocation | null)[], void>('djangoAtlas/locateCheckProblems');

export interface HtmlAutoInsertParams {
  textDocument: { uri: string };
  /** Just after the typed character. */
  position: { line: number; character: number };
  /** `autoClose` after `>` or `/`; `autoQuote` after `=`. */
  kind: 'autoClose' | 'autoQuote';
}

/**
 * Client → server: in a `django-html` template, the snippet VS Code's HTML extension would insert
 * after the keystroke in an `html` file (the closing tag, the attribute's quotes), or null.
 */
export const HtmlAutoInsertRequest = new RequestType<HtmlAutoInsertParams, string | null, void>('djangoAtlas/htmlAutoInsert');
