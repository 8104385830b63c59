/** A stable identifier from a published name: lower case, ASCII, words joined by '-'. */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The id of a material: `<commodity>.<stage>` (e.g. `gallium.refined`, `cobalt.mine`, `paracetamol.api`). */
export function materialId(commodity: string, stage: string): string {
  return `${slugify(commodity)}.${stage}`;
}
