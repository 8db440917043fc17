/** The parts of a V8 .cpuprofile (what `node --cpu-prof` writes) that the summary reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}

export interface SummaryOptions {
  /** The measured window, on the monotonic clock the profile uses (process.hrtime, in µs). */
  fromMicros: number
  toMicros: number
  requests: number
  top: number
}

/** Native better-sqlite3 calls have no script URL; these names are theirs (Statement and Database methods). */
const SQLITE_NATIVE = new Set(['run', 'get', 'all', 'iterate', 'prepare', 'exec', 'pragma', 'transaction'])
const JSON_NATIVE = new Set(['parse', 'stringify'])

/** A frame's area: `src/<folder>[/<sub>]`, the npm package, or undefined for frames with no script of ours or a package's. */
function areaOfUrl(url: string): string | undefined {
  // The compiled server (dist/, as npm start runs it) counts as the src/ file it came from.
  const src = /\/(?:src|dist)\/([^/]+)(?:\/([^/.]+)\/)?/.exec(url)
  if (src && !url.includes('node_modules')) return `src/${src[1]}${src[2] ? `/${src[2]}` : ''}`
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg) return pkg[1]
  return undefined
}

const pad = (text: string, width: number): string => (text.length >= width ? text : text + ' '.repeat(width - text.length))

/**
 * CPU time of the measured window, per request: by area (each sample charged to the nearest frame of ours or of a
 * package, counting from the leaf; url-less leaves that are SQLite or JSON are named as such), inclusive per area
 * (a sample counts once for every area on its stack), and the top functions by self time.
 */
export function summarizeProfile(profile: CpuProfile, options: SummaryOptions): string {
  const parent = new Map<number, number>()
  const byId = new Map<number, CpuProfile['nodes'][number]>()
  for (const node of profile.nodes) {
    byId.set(node.id, node)
    for (const child of node.children ?? []) parent.set(child, node.id)
  }
  const leafArea = new Map<number, string>()
  const stackAreas = new Map<number, Set<string>>()
  const stackFunctions = new Map<number, Set<string>>()
  /** Roster's own functions on a sample's stack (each once): what a request's time is spent under, by our names. */
  const ownFunctionsOnStack = (id: number): Set<string> => {
    const cached = stackFunctions.get(id)
    if (cached) return cached
    const names = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame
      if (/\/(?:src|dist)\//.test(frame.url) && !frame.url.includes('node_modules')) names.add(`${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*?\/(?:src|dist)\//, 'src/')}`)
    }
    stackFunctions.set(id, names)
    return names
  }
  const areaOfNode = (id: number): string => {
    const cached = leafArea.get(id)
    if (cached !== undefined) return cached
    const leaf = byId.get(id)!.callFrame
    let area: string | undefined
    if (leaf.url === '') {
      if (leaf.functionName.startsWith('(')) area = leaf.functionName
      else if (SQLITE_NATIVE.has(leaf.functionName)) area = 'SQLite (native)'
      else if (JSON_NATIVE.has(leaf.functionName)) area = 'JSON (native)'
    }
    for (let at: number | undefined = id; area === undefined && at !== undefined; at = parent.get(at)) area = areaOfUrl(byId.get(at)!.callFrame.url)
    area ??= leaf.url.startsWith('node:') ? 'node internals' : '(other native)'
    leafArea.set(id, area)
    return area
  }
  const areasOnStack = (id: number): Set<string> => {
    const cached = stackAreas.get(id)
    if (cached) return cached
    const areas = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const area = areaOfUrl(byId.get(at)!.callFrame.url)
      if (area) areas.add(area)
    }
    stackAreas.set(id, areas)
    return areas
  }

  const self = new Map<string, number>()
  const selfByFunction = new Map<string, number>()
  const inclusive = new Map<string, number>()
  const inclusiveByFunction = new Map<string, number>()
  let windowMicros = 0
  let busyMicros = 0
  let time = profile.startTime
  for (let i = 0; i < profile.samples.length; i++) {
    time += profile.timeDeltas[i] ?? 0
    if (time < options.fromMicros || time > options.toMicros) continue
    const duration = profile.timeDeltas[i + 1] ?? 0
    const id = profile.samples[i]!
    const node = byId.get(id)!
    windowMicros += duration
    if (node.callFrame.functionName === '(idle)') continue
    busyMicros += duration
    const area = areaOfNode(id)
    self.set(area, (self.get(area) ?? 0) + duration)
    const frame = node.callFrame
    const fn = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*?\/(src|node_modules)\//, '$1/')}${frame.url ? `:${frame.lineNumber + 1}` : ''}`
    selfByFunction.set(fn, (selfByFunction.get(fn) ?? 0) + duration)
    for (const stackArea of areasOnStack(id)) inclusive.set(stackArea, (inclusive.get(stackArea) ?? 0) + duration)
    for (const name of ownFunctionsOnStack(id)) inclusiveByFunction.set(name, (inclusiveByFunction.get(name) ?? 0) + duration)
  }
  if (windowMicros === 0) return 'no samples fell inside the measured window (the profile and the load do not line up)'
  const perRequest = (micros: number): string => (micros / Math.max(1, options.requests)).toFixed(1).padStart(8)
  const share = (micros: number): string => `${((100 * micros) / busyMicros).toFixed(1).padStart(5)} %`
  const table = (title: string, rows: Map<string, number>, limit: number): string => {
    const sorted = [...rows].sort((a, b) => b[1] - a[1]).slice(0, limit)
    return [`${title}`, ...sorted.map(([name, micros]) => `  ${perRequest(micros)} µs  ${share(micros)}  ${name}`)].join('\n')
  }
  return [
    `server CPU in the window: ${perRequest(busyMicros).trim()} µs per request (${((100 * busyMicros) / windowMicros).toFixed(0)} % of ${(windowMicros / 1e6).toFixed(1)} s busy)`,
    '',
    table('self time by area (µs per request, share of busy time):', self, 40),
    '',
    table('inclusive time by area (a sample counts for every area on its stack):', inclusive, 40),
    '',
    table(`top ${options.top} functions by self time:`, selfByFunction, options.top),
    '',
    table(`top ${options.top} of Roster's functions by inclusive time (an await cuts a stack: time after it counts under the caller's continuation only):`, inclusiveByFunction, options.top),
  ].join('\n')
}
