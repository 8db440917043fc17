/**
 * Validates SCIM resources against the schemas a server serves at /Schemas, as strict clients do (python-scim's
 * scim2-client builds its models from them; RFC 7643 §3: `schemas` names the schemas that define every attribute
 * present). Returns the problems found, so a test can show them all.
 */
interface ServedAttribute {
  name: string
  type: string
  multiValued: boolean
  returned?: string
  canonicalValues?: string[]
  subAttributes?: ServedAttribute[]
}
interface ServedSchema {
  id: string
  attributes: ServedAttribute[]
}

const find = (attributes: readonly ServedAttribute[] | undefined, name: string): ServedAttribute | undefined =>
  attributes?.find((attribute) => attribute.name.toLowerCase() === name.toLowerCase())

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

function checkValue(attribute: ServedAttribute, value: unknown, where: string, problems: string[], element = false): void {
  if (attribute.multiValued && !element) {
    if (!Array.isArray(value)) return void problems.push(`${where}: multi-valued, but not an array`)
    value.forEach((item, index) => checkValue(attribute, item, `${where}[${index}]`, problems, true))
    return
  }
  if (attribute.returned === 'never') problems.push(`${where}: returned "never", but present`)
  switch (attribute.type) {
    case 'complex':
      if (!isObject(value)) return void problems.push(`${where}: complex, but not an object`)
      for (const [name, sub] of Object.entries(value)) {
        const definition = find(attribute.subAttributes, name)
        if (!definition) problems.push(`${where}.${name}: no such sub-attribute in the served schema`)
        else checkValue(definition, sub, `${where}.${name}`, problems)
      }
      return
    case 'boolean':
      if (typeof value !== 'boolean') problems.push(`${where}: boolean expected`)
      return
    case 'integer':
      if (!Number.isInteger(value)) problems.push(`${where}: integer expected`)
      return
    case 'decimal':
      if (typeof value !== 'number') problems.push(`${where}: number expected`)
      return
    case 'dateTime':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) problems.push(`${where}: dateTime expected`)
      return
    default:
      if (typeof value !== 'string') problems.push(`${where}: ${attribute.type} (a string) expected`)
  }
}

/** Problems of `resource` against `served` (the Resources of GET /Schemas) for a resource whose core schema is `coreId`. */
export function validateAgainstServedSchemas(resource: Record<string, unknown>, served: readonly ServedSchema[], coreId: string): string[] {
  const problems: string[] = []
  const byId = new Map(served.map((schema) => [schema.id.toLowerCase(), schema]))
  const listed = Array.isArray(resource.schemas) ? (resource.schemas as unknown[]).map((id) => String(id).toLowerCase()) : []
  if (!Array.isArray(resource.schemas)) problems.push('schemas: missing')
  if (!listed.includes(coreId.toLowerCase())) problems.push(`schemas: does not list the core schema ${coreId}`)
  for (const id of listed) if (!byId.has(id)) problems.push(`schemas: lists ${id}, which /Schemas does not serve`)
  const core = byId.get(coreId.toLowerCase())
  if (!core) return [...problems, `/Schemas does not serve ${coreId}`]
  for (const [key, value] of Object.entries(resource)) {
    if (key === 'schemas') continue
    const extension = byId.get(key.toLowerCase())
    if (extension && extension !== core) {
      if (!listed.includes(key.toLowerCase())) problems.push(`${key}: present, but not listed in schemas`)
      if (!isObject(value)) {
        problems.push(`${key}: an extension must be an object`)
        continue
      }
      for (const [name, member] of Object.entries(value)) {
        const definition = find(extension.attributes, name)
        if (!definition) problems.push(`${key}:${name}: not defined by the served ${key}`)
        else checkValue(definition, member, `${key}:${name}`, problems)
      }
      continue
    }
    const definition = find(core.attributes, key)
    if (!definition) problems.push(`${key}: not defined by any schema listed in schemas`)
    else checkValue(definition, value, key, problems)
  }
  return problems
}
