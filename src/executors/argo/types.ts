// The slice of Argo's Workflow object Conveyor writes and reads (see
// Argo's api/jsonschema/schema.json for the whole): loose on purpose, since the
// controller adds fields freely and old objects lack some.

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
}

export interface ArgoParameter {
  name: string;
  value?: string;
}

export interface ArgoNode {
  id: string;
  name: string;
  displayName?: string;
  type: string;
  phase?: string;
  boundaryID?: string;
  children?: string[];
  message?: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  templateName?: string;
  /** Set instead of templateName on nodes of a task that calls a templateRef. */
  templateRef?: { name: string; template: string };
  progress?: string;
  outputs?: { result?: string; exitCode?: string; parameters?: ArgoParameter[] };
  memoizationStatus?: { hit: boolean; key: string; cacheName: string };
}

export interface ArgoWorkflowStatus {
  phase?: string;
  message?: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  nodes?: Record<string, ArgoNode>;
  compressedNodes?: string;
  offloadNodeStatusVersion?: string;
}

export interface ArgoWorkflow {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: Record<string, unknown> & { suspend?: boolean; shutdown?: string };
  status?: ArgoWorkflowStatus;
}

/** Workflow phases that mean the controller is done with it. */
export const FINISHED_PHASES: ReadonlySet<string> = new Set(["Succeeded", "Failed", "Error"]);

export function isFinished(wf: ArgoWorkflow): boolean {
  return FINISHED_PHASES.has(wf.status?.phase ?? "") || wf.metadata.labels?.["workflows.argoproj.io/completed"] === "true";
}
