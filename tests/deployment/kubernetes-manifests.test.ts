// deploy/kubernetes is checked without a cluster: every YAML document against the Kubernetes API's
// OpenAPI schemas (kubernetes-models, pinned: its classes validate with the API's own types and
// required fields), unknown fields included (`kubectl apply` refuses those), and against what
// this deployment promises: pinned images, resources and a security context on every container,
// internal stores, NetworkPolicies around every pod, only variables the processes read, drain
// timings that fit the code's. A broken manifest is shown to fail, so the validation is known to bite.
// NOT checked: that a cluster admits and runs them (Pod Security, the CNI, user namespaces and
// bubblewrap on the nodes). Apply them to a test cluster for that.

import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { parseAllDocuments } from "yaml"
import { describe, expect, it } from "vitest"
import { Deployment, StatefulSet } from "kubernetes-models/apps/v1"
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2"
import { Ingress, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1"
import { PodDisruptionBudget } from "kubernetes-models/policy/v1"
import { ConfigMap, Namespace, Secret, Service } from "kubernetes-models/v1"
import { webEnvSpec } from "#app/config/config.server.ts"
import { workerEnvSpec } from "#worker/src/config/WorkerConfig.ts"
import { PUBLIC_PATHS } from "#worker/src/http/InternalAuth.ts"

const DIR = "deploy/kubernetes"
const TEMPLATE = "secret.template.yaml"

// Loosely typed views of the documents (`any` on purpose: the schema tests below establish their
// shape, and a missing path fails the check that reads it).
type Json = Record<string, any>
interface Doc {
  readonly file: string
  readonly body: Json
}

const MODELS: Readonly<Record<string, new (data: never) => { validate(): void }>> = {
  "v1/Namespace": Namespace,
  "v1/ConfigMap": ConfigMap,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "networking.k8s.io/v1/Ingress": Ingress,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
}

/** Throws the schema's complaint when the document is not a valid object of a kind we ship. */
function validate(body: Json): void {
  const Model = MODELS[`${body["apiVersion"]}/${body["kind"]}`]
  if (!Model) throw new Error(`no schema for ${body["apiVersion"]} ${body["kind"]}`)
  new Model(body as never).validate()
}

// The API's schemas allow unknown fields (the server then refuses or drops them). The generated
// validators read exactly the fields a type has (`data.<field>`), which gives each type's field list.
const fieldCache = new Map<string, ReadonlySet<string>>()
function fieldsOf(type: string): ReadonlySet<string> {
  const cached = fieldCache.get(type)
  if (cached) return cached
  const dir = type.startsWith("IoK8sApimachinery") ? "node_modules/@kubernetes-models/apimachinery/_schemas" : "node_modules/kubernetes-models/_schemas"
  const fields = new Set([...readFileSync(join(dir, `${type}.js`), "utf8").matchAll(/\bdata\.([A-Za-z]\w*)/g)].map((m) => m[1] ?? ""))
  fieldCache.set(type, fields)
  return fields
}
const V1 = (name: string) => `IoK8sApiCoreV1${name}`

/** Fields of `value` that its type does not have, as paths. */
function unknownFields(value: unknown, type: string, path: string): string[] {
  if (typeof value !== "object" || value === null) return []
  const fields = fieldsOf(type)
  return Object.keys(value).filter((key) => !fields.has(key)).map((key) => `${path}.${key}`)
}

const each = <T>(list: readonly T[] | undefined, check: (item: T, index: number) => string[]) => (list ?? []).flatMap(check)

function unknownInPod(spec: Json, path: string): string[] {
  return [
    ...unknownFields(spec, V1("PodSpec"), path),
    ...unknownFields(spec["securityContext"], V1("PodSecurityContext"), `${path}.securityContext`),
    ...each<Json>(spec["volumes"], (v, i) => unknownFields(v, V1("Volume"), `${path}.volumes[${i}]`)),
    ...each<Json>([...(spec["initContainers"] ?? []), ...(spec["containers"] ?? [])], (c, i) => {
      const at = `${path}.containers[${i}]`
      return [
        ...unknownFields(c, V1("Container"), at),
        ...unknownFields(c["securityContext"], V1("SecurityContext"), `${at}.securityContext`),
        ...unknownFields(c["resources"], V1("ResourceRequirements"), `${at}.resources`),
        ...unknownFields(c["lifecycle"]?.["preStop"], V1("LifecycleHandler"), `${at}.lifecycle.preStop`),
        ...["readinessProbe", "livenessProbe", "startupProbe"].flatMap((probe) => unknownFields(c[probe], V1("Probe"), `${at}.${probe}`)),
        ...each<Json>(c["env"], (e, j) => unknownFields(e, V1("EnvVar"), `${at}.env[${j}]`)),
        ...each<Json>(c["ports"], (p, j) => unknownFields(p, V1("ContainerPort"), `${at}.ports[${j}]`)),
        ...each<Json>(c["volumeMounts"], (m, j) => unknownFields(m, V1("VolumeMount"), `${at}.volumeMounts[${j}]`)),
      ]
    }),
  ]
}

const SPEC_TYPES: Readonly<Record<string, string>> = {
  Deployment: "IoK8sApiAppsV1DeploymentSpec",
  StatefulSet: "IoK8sApiAppsV1StatefulSetSpec",
  Service: V1("ServiceSpec"),
  HorizontalPodAutoscaler: "IoK8sApiAutoscalingV2HorizontalPodAutoscalerSpec",
  NetworkPolicy: "IoK8sApiNetworkingV1NetworkPolicySpec",
  Ingress: "IoK8sApiNetworkingV1IngressSpec",
  PodDisruptionBudget: "IoK8sApiPolicyV1PodDisruptionBudgetSpec",
}

function unknownInDocument(body: Json): string[] {
  const kind = String(body["kind"])
  const top = new Set(["apiVersion", "kind", "metadata", ...(kind === "ConfigMap" || kind === "Secret" ? ["data", "stringData", "type", "immutable"] : ["spec"])])
  const specType = SPEC_TYPES[kind]
  const spec = body["spec"] as Json | undefined
  return [
    ...Object.keys(body).filter((key) => !top.has(key)),
    ...unknownFields(body["metadata"], "IoK8sApimachineryPkgApisMetaV1ObjectMeta", "metadata"),
    ...(specType ? unknownFields(spec, specType, "spec") : []),
    ...(spec?.["template"] ? unknownInPod(spec["template"]["spec"], "spec.template.spec") : []),
    ...each<Json>(spec?.["ingress"], (r, i) => unknownFields(r, "IoK8sApiNetworkingV1NetworkPolicyIngressRule", `spec.ingress[${i}]`)),
    ...each<Json>(spec?.["egress"], (r, i) => unknownFields(r, "IoK8sApiNetworkingV1NetworkPolicyEgressRule", `spec.egress[${i}]`)),
    ...each<Json>(kind === "HorizontalPodAutoscaler" ? spec?.["metrics"] : [], (m, i) => unknownFields(m, "IoK8sApiAutoscalingV2MetricSpec", `spec.metrics[${i}]`)),
  ]
}

// ---- The manifests ----

const kustomization = (parseAllDocuments(readFileSync(join(DIR, "kustomization.yaml"), "utf8"))[0]?.toJS() ?? {}) as Json
const manifestFiles = readdirSync(DIR).filter((file) => file.endsWith(".yaml") && file !== "kustomization.yaml").sort()
const docs: Doc[] = manifestFiles.flatMap((file) =>
  parseAllDocuments(readFileSync(join(DIR, file), "utf8")).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((error) => error.message).join("; ")}`)
    return { file, body: doc.toJS() as Json }
  }),
)
const applied = docs.filter((doc) => doc.file !== TEMPLATE)
const named = (kind: string, name: string): Json => {
  const found = applied.find((doc) => doc.body["kind"] === kind && doc.body["metadata"]?.["name"] === name)
  if (!found) throw new Error(`no ${kind} ${name} in ${DIR}`)
  return found.body
}
const workloads = applied.filter((doc) => ["Deployment", "StatefulSet"].includes(doc.body["kind"])).map((doc) => doc.body)
const podSpec = (workload: Json): Json => workload["spec"]["template"]["spec"]
const podLabels = (workload: Json): Record<string, string> => workload["spec"]["template"]["metadata"]["labels"]
const containersOf = (workload: Json): Json[] => [...(podSpec(workload)["initContainers"] ?? []), ...podSpec(workload)["containers"]]
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value)
const envOf = (container: Json): Json[] => container["env"] ?? []
const envValue = (container: Json, name: string): string | undefined => envOf(container).find((e) => e["name"] === name)?.["value"]

const web = named("Deployment", "web")
const worker = named("Deployment", "worker")
const [webContainer] = podSpec(web)["containers"] as Json[]
const [workerContainer] = podSpec(worker)["containers"] as Json[]
const portOf = (container: Json | undefined) => (container?.["ports"] as Json[])[0]?.["containerPort"] as number
const secretTemplate = docs.find((doc) => doc.file === TEMPLATE)?.body ?? {}
const config = named("ConfigMap", "second-config")

describe("deploy/kubernetes", () => {
  it("lists every manifest in kustomization.yaml, and never the Secret template", () => {
    expect(kustomization["kind"]).toBe("Kustomization")
    expect([...(kustomization["resources"] as string[])].sort()).toEqual(manifestFiles.filter((file) => file !== TEMPLATE))
    expect(manifestFiles).toContain(TEMPLATE)
  })

  it.each(docs.map((doc) => [`${doc.file}: ${doc.body["kind"]} ${doc.body["metadata"]?.["name"]}`, doc] as const))(
    "%s is valid against the Kubernetes API schema, with no unknown fields",
    (_, doc) => {
      expect(() => validate(doc.body)).not.toThrow()
      expect(unknownInDocument(doc.body)).toEqual([])
    },
  )

  it.each([
    ["a port that is not a number", /containerPort must be integer/, (d: Json): void => void (podSpec(d)["containers"][0]["ports"][0]["containerPort"] = "http")],
    ["no selector", /must have required property selector/, (d: Json): void => void delete d["spec"]["selector"]],
    ["a misspelt probe field", /readinessProbe\.periodSecond$/, (d: Json): void => void (podSpec(d)["containers"][0]["readinessProbe"]["periodSecond"] = 5)],
  ] as const)("fails the web Deployment broken by %s", (_, complaint, breakIt) => {
    const broken = structuredClone(web)
    breakIt(broken)
    const complaints = (() => {
      try {
        validate(broken)
      } catch (error) {
        return [String(error)]
      }
      return unknownInDocument(broken)
    })()
    expect(complaints).toEqual([expect.stringMatching(complaint)])
  })

  it("pins every image by tag, and names a release tag for the two built from the Dockerfile", () => {
    for (const container of workloads.flatMap(containersOf)) {
      expect(container["image"], container["name"]).toMatch(/^[\w./-]+:(?!latest$)[\w][\w.-]*$/)
    }
    const images = kustomization["images"] as Json[]
    expect(images.map((image) => image["name"]).sort()).toEqual(["second-web", "second-worker"])
    for (const image of images) expect(String(image["newTag"])).toMatch(/^[\w][\w.-]*$/)
    const dockerfile = readFileSync("Dockerfile", "utf8")
    expect(dockerfile).toMatch(/^FROM \S+ AS web$/m)
    expect(dockerfile).toMatch(/^FROM \S+ AS worker$/m)
  })

  it("gives every container resources and a security context without privileges", () => {
    for (const workload of workloads) {
      const pod = podSpec(workload)
      expect(pod["automountServiceAccountToken"], workload["metadata"]["name"]).toBe(false)
      for (const container of containersOf(workload)) {
        const at = `${workload["metadata"]["name"]}/${container["name"]}`
        expect(container["resources"]?.["requests"]?.["cpu"], at).toBeDefined()
        expect(container["resources"]?.["requests"]?.["memory"], at).toBeDefined()
        expect(container["resources"]?.["limits"]?.["memory"], at).toBeDefined()
        const context = container["securityContext"] as Json
        expect(context, at).toBeDefined()
        expect(context["allowPrivilegeEscalation"], at).toBe(false)
        expect(context["privileged"], at).toBeUndefined()
        expect(context["capabilities"], at).toEqual({ drop: ["ALL"] })
        expect(context["readOnlyRootFilesystem"], at).toBe(true)
        expect(context["runAsNonRoot"] ?? pod["securityContext"]?.["runAsNonRoot"], at).toBe(true)
        // The images' users are names, which the kubelet cannot check against runAsNonRoot.
        expect(pod["securityContext"]?.["runAsUser"], at).toBeGreaterThan(0)
        if (workload === worker) continue
        expect(context["seccompProfile"]?.["type"] ?? pod["securityContext"]?.["seccompProfile"]?.["type"], at).toBe("RuntimeDefault")
        expect(context["procMount"] ?? "Default", at).toBe("Default")
      }
    }
  })

  it("relaxes only what bubblewrap needs on the worker, in its own user namespace", () => {
    const context = workerContainer?.["securityContext"] as Json
    expect(podSpec(worker)["hostUsers"]).toBe(false)
    expect(context["procMount"]).toBe("Unmasked")
    expect(context["seccompProfile"]).toEqual({ type: "Unconfined" })
    expect(context["appArmorProfile"]).toEqual({ type: "Unconfined" })
    for (const hostField of ["hostNetwork", "hostPID", "hostIPC"]) expect(podSpec(worker)[hostField]).toBeUndefined()
    expect(envValue(workerContainer ?? {}, "SECOND_RUNTIME_SANDBOX")).toBe("bubblewrap")
    // bubblewrap.ts is what the comments in worker.yaml describe.
    const bwrap = readFileSync("worker/src/sandbox/bubblewrap.ts", "utf8")
    for (const flag of ["--unshare-all", '"--proc"', '"--tmpfs"']) expect(bwrap).toContain(flag)
  })

  it("keeps the worker, MongoDB and Redis on ClusterIP Services, and exposes only the web", () => {
    const services = applied.filter((doc) => doc.body["kind"] === "Service").map((doc) => doc.body)
    for (const name of ["worker", "mongodb", "redis", "web"]) expect(named("Service", name)["spec"]["type"] ?? "ClusterIP", name).toBe("ClusterIP")
    for (const service of services) {
      const selected = workloads.filter((w) => matches(service["spec"]["selector"], podLabels(w)))
      expect(selected.length, `Service ${service["metadata"]["name"]} selects a workload`).toBe(1)
      const portNames = containersOf(selected[0] ?? {}).flatMap((c) => (c["ports"] as Json[]).map((p) => p["name"]))
      for (const port of service["spec"]["ports"] as Json[]) expect(portNames).toContain(port["targetPort"])
    }
    const backends = applied
      .filter((doc) => doc.body["kind"] === "Ingress")
      .flatMap((doc) => (doc.body["spec"]["rules"] as Json[]).flatMap((rule) => rule["http"]["paths"] as Json[]))
      .map((path) => path["backend"]["service"]["name"])
    expect(new Set(backends)).toEqual(new Set(["web"]))
  })

  describe("NetworkPolicies", () => {
    const policies = applied.filter((doc) => doc.body["kind"] === "NetworkPolicy").map((doc) => doc.body)
    const selecting = (workload: Json, type: "Ingress" | "Egress") =>
      policies.filter((p) => (p["spec"]["policyTypes"] as string[]).includes(type) && matches(p["spec"]["podSelector"]["matchLabels"], podLabels(workload)))
    const peersOf = (workload: Json) =>
      selecting(workload, "Ingress").flatMap((p) => (p["spec"]["ingress"] ?? []) as Json[]).flatMap((rule) => (rule["from"] ?? [{ anyone: true }]) as Json[])
    const appName = (workload: Json) => podLabels(workload)["app.kubernetes.io/name"]
    const fromPods = (workload: Json) => peersOf(workload).map((peer) => peer["podSelector"]?.["matchLabels"]?.["app.kubernetes.io/name"] ?? "ANY")

    it("deny all ingress by default, and every policy selects pods that exist", () => {
      expect(policies.some((p) => Object.keys(p["spec"]["podSelector"]).length === 0 && p["spec"]["ingress"] === undefined)).toBe(true)
      for (const policy of policies) {
        if (Object.keys(policy["spec"]["podSelector"]).length === 0) continue
        expect(workloads.some((w) => matches(policy["spec"]["podSelector"]["matchLabels"], podLabels(w))), policy["metadata"]["name"]).toBe(true)
      }
      for (const workload of workloads) expect(peersOf(workload).length, appName(workload)).toBeGreaterThan(0)
    })

    it("let anyone reach the web, only webs reach the worker, webs and workers reach Redis, webs reach MongoDB", () => {
      expect(fromPods(web)).toEqual(["ANY"])
      expect(fromPods(worker)).toEqual(["second-web"])
      expect(fromPods(named("StatefulSet", "redis")).sort()).toEqual(["second-web", "second-worker"])
      expect(fromPods(named("StatefulSet", "mongodb")).sort()).toEqual(["mongodb", "second-web"])
      const workerPorts = selecting(worker, "Ingress").flatMap((p) => (p["spec"]["ingress"] ?? []) as Json[]).flatMap((r) => r["ports"] as Json[])
      expect(workerPorts.map((p) => p["port"])).toEqual([portOf(workerContainer)])
    })

    it("let the worker out only to DNS, the web, Redis and HTTPS, never the metadata address or MongoDB", () => {
      const rules = selecting(worker, "Egress").flatMap((p) => p["spec"]["egress"] as Json[])
      for (const rule of rules) expect(rule["ports"]?.length, "every egress rule names ports").toBeGreaterThan(0)
      const ports = rules.flatMap((rule) => (rule["ports"] as Json[]).map((p) => p["port"])).sort()
      expect(ports).toEqual([3000, 443, 53, 53, 6379].sort())
      const targets = rules.flatMap((rule) => rule["to"] as Json[]).map((peer) => peer["podSelector"]?.["matchLabels"]?.["app.kubernetes.io/name"])
      expect(targets).not.toContain("mongodb")
      for (const peer of rules.flatMap((rule) => rule["to"] as Json[]).filter((p) => p["ipBlock"])) {
        expect(peer["ipBlock"]["except"]).toContain("169.254.169.254/32")
      }
    })
  })

  describe("environment", () => {
    const names = (spec: Readonly<Record<string, { name: string }>>) => new Set(Object.values(spec).map((v) => v.name))
    const envExample = readFileSync(".env.example", "utf8")

    it("passes only variables the web and the worker read (and .env.example documents)", () => {
      // POD_IP only builds SECOND_WORKER_URL through $(POD_IP); the worker never reads it.
      const helpers = new Set(["POD_IP"])
      for (const [container, spec] of [[webContainer, webEnvSpec], [workerContainer, workerEnvSpec]] as const) {
        for (const { name } of envOf(container ?? {})) {
          if (helpers.has(name)) continue
          expect(names(spec), `${container?.["name"]} reads ${name}`).toContain(name)
          expect(envExample, `.env.example documents ${name}`).toMatch(new RegExp(`^# ?${name}=`, "m"))
        }
      }
    })

    it("takes secrets from the Secret's template keys and settings from the ConfigMap, all placeholders in the template", () => {
      const stringData = secretTemplate["stringData"] as Record<string, string>
      for (const value of Object.values(stringData)) expect(value).toMatch(/^<.+>$/)
      for (const env of [webContainer, workerContainer].flatMap((c) => envOf(c ?? {}))) {
        const secretRef = env["valueFrom"]?.["secretKeyRef"]
        if (secretRef) expect([secretRef["name"], Object.keys(stringData)]).toEqual(["second-secrets", expect.arrayContaining([secretRef["key"]])])
        const configRef = env["valueFrom"]?.["configMapKeyRef"]
        if (configRef) expect(Object.keys(config["data"] as Json)).toContain(configRef["key"])
      }
      expect(envOf(workerContainer ?? {}).map((e) => e["name"])).not.toContain("MONGODB_URI")
    })

    it("has workers announce their pod IP and name, reach the web's Service, and use the discovery", () => {
      const env = envOf(workerContainer ?? {})
      const index = (name: string) => env.findIndex((e) => e["name"] === name)
      expect(env[index("POD_IP")]?.["valueFrom"]).toEqual({ fieldRef: { fieldPath: "status.podIP" } })
      expect(index("POD_IP")).toBeLessThan(index("SECOND_WORKER_URL"))
      expect(envValue(workerContainer ?? {}, "SECOND_WORKER_URL")).toBe(`http://$(POD_IP):${portOf(workerContainer)}`)
      expect(env[index("SECOND_WORKER_NAME")]?.["valueFrom"]).toEqual({ fieldRef: { fieldPath: "metadata.name" } })
      expect(Number(envValue(workerContainer ?? {}, "SECOND_WORKER_CONCURRENCY"))).toBeGreaterThan(0)
      const webService = named("Service", "web")["spec"]["ports"][0]
      expect(envValue(workerContainer ?? {}, "WEB_URL")).toBe(`http://web:${webService["port"]}`)
      expect(envValue(webContainer ?? {}, "SECOND_WORKER_DISCOVERY")).toBe("redis")
      expect(envValue(webContainer ?? {}, "WORKER_URL")).toBeUndefined()
    })
  })

  describe("scaling and draining", () => {
    it("runs workers as a Deployment on a scratch workspace sized by an emptyDir", () => {
      expect(worker["spec"]["replicas"]).toBeGreaterThanOrEqual(2)
      const mountPath = envValue(workerContainer ?? {}, "SECOND_WORKSPACES_DIR")
      const mount = (workerContainer?.["volumeMounts"] as Json[]).find((m) => m["mountPath"] === mountPath)
      const volume = (podSpec(worker)["volumes"] as Json[]).find((v) => v["name"] === mount?.["name"])
      expect(volume?.["emptyDir"]?.["sizeLimit"]).toBeDefined()
    })

    it("takes a draining worker out of its Service on /readyz, without failing its liveness, for longer than its drain deadline", () => {
      expect(workerContainer?.["readinessProbe"]?.["httpGet"]?.["path"]).toBe("/readyz")
      expect(workerContainer?.["livenessProbe"]?.["httpGet"]?.["path"]).toBe("/healthz")
      // The kubelet sends no token: every path it probes must be one the worker answers without.
      for (const probe of ["readinessProbe", "livenessProbe", "startupProbe"]) {
        expect(PUBLIC_PATHS, probe).toContain(workerContainer?.[probe]?.["httpGet"]?.["path"])
      }
      const drain = Number(envValue(workerContainer ?? {}, "SECOND_WORKER_DRAIN_SECONDS"))
      expect(drain).toBeGreaterThan(0)
      expect(podSpec(worker)["terminationGracePeriodSeconds"]).toBeGreaterThan(drain)
    })

    it("takes a draining web out of rotation on /healthz, within its grace period", () => {
      const port = webContainer?.["ports"][0]
      expect(webContainer?.["readinessProbe"]?.["httpGet"]).toEqual({ path: "/healthz", port: port["name"] })
      expect(webContainer?.["livenessProbe"]).toBeDefined()
      const healthz = readFileSync("app/routes/healthz.ts", "utf8")
      expect(healthz).toMatch(/lifecycle\.draining/)
      expect(healthz).toMatch(/503/)
      const host = readFileSync("app/server/http-host.server.ts", "utf8")
      const closeMs = /GRACEFUL_CLOSE_MS = ([\d_]+)/.exec(host)?.[1]
      expect(closeMs, "http-host.server.ts no longer declares GRACEFUL_CLOSE_MS: update this check").toBeDefined()
      const preStop = Number(webContainer?.["lifecycle"]?.["preStop"]?.["sleep"]?.["seconds"])
      expect(preStop).toBeGreaterThan(0)
      // preStop, then the streams' grace, then closing the stores (10 s of slack for that).
      expect(podSpec(web)["terminationGracePeriodSeconds"]).toBeGreaterThanOrEqual(preStop + Number(closeMs?.replaceAll("_", "")) / 1000 + 10)
    })

    it("scales the web with an autoscaling/v2 HPA on CPU from 2 replicas, with the streams metric as a hint", () => {
      const hpa = named("HorizontalPodAutoscaler", "web")
      expect(hpa["spec"]["scaleTargetRef"]).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "web" })
      expect(hpa["spec"]["minReplicas"]).toBeGreaterThanOrEqual(2)
      expect(hpa["spec"]["metrics"]).toContainEqual(expect.objectContaining({ type: "Resource", resource: expect.objectContaining({ name: "cpu" }) }))
      expect(hpa["metadata"]["annotations"]["second.so/streaming-metric-hint"]).toMatch(/adapter/)
      // The HPA owns the count: a replicas field would be reset by every apply.
      expect(web["spec"]["replicas"]).toBeUndefined()
      expect(webContainer?.["resources"]["requests"]["cpu"]).toBeDefined()
    })
  })
})
