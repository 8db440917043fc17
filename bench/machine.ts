import { readdirSync, readFileSync } from 'node:fs'
import { cpus, loadavg, platform, release, totalmem } from 'node:os'

/** Where the figures were measured; printed first because every number depends on it. */
export interface MachineInfo {
  cpuModel: string
  cores: number
  totalMemoryMb: number
  nodeVersion: string
  os: string
  date: string
  /** 1-minute load average when the run started: other work on the machine skews every figure. */
  loadAverageAtStart: number
}

export function describeMachine(): MachineInfo {
  const cpuList = cpus()
  return {
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    totalMemoryMb: Math.round(totalmem() / (1024 * 1024)),
    nodeVersion: process.version,
    os: `${platform()} ${release()}`,
    date: new Date().toISOString(),
    loadAverageAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  }
}

/** Resident memory of a process: VmRSS now and VmHWM, the peak since it started. */
export interface ProcessMemory {
  rssMb: number
  peakRssMb: number
}

function readStatusKilobytes(status: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)
  return match?.[1] === undefined ? undefined : Number(match[1])
}

/** Reads /proc/<pid>/status (Linux only); undefined when the process or /proc is unavailable. */
export function readProcessMemory(pid: number): ProcessMemory | undefined {
  let status: string
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8')
  } catch {
    return undefined
  }
  const rssKb = readStatusKilobytes(status, 'VmRSS')
  const peakKb = readStatusKilobytes(status, 'VmHWM')
  if (rssKb === undefined || peakKb === undefined) return undefined
  return { rssMb: Math.round(rssKb / 102.4) / 10, peakRssMb: Math.round(peakKb / 102.4) / 10 }
}

/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ: 100 on every mainstream Linux build). */
const USER_HZ = 100

/**
 * CPU seconds of each thread of a process, by thread name (threads of one name summed: V8's GC helpers, libuv's
 * pool), from /proc/<pid>/task. Undefined when the process is gone.
 */
export function readThreadCpuSeconds(pid: number): Map<string, number> | undefined {
  let tids: string[]
  try {
    tids = readdirSync(`/proc/${pid}/task`)
  } catch {
    return undefined
  }
  const byName = new Map<string, number>()
  for (const tid of tids) {
    let stat: string
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
    } catch {
      continue
    }
    const name = tid === String(pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const seconds = (Number(fields[11]) + Number(fields[12])) / USER_HZ
    if (Number.isFinite(seconds)) byName.set(name, (byName.get(name) ?? 0) + seconds)
  }
  return byName
}

/**
 * CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat (Linux only); undefined when
 * unavailable. Unlike throughput, CPU per request barely moves when other work shares the machine.
 */
export function readProcessCpuSeconds(pid: number): number | undefined {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // Fields after the parenthesised command name (which may contain spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / USER_HZ : undefined
}
