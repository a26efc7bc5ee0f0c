// Image references that are nearly right: the right repository with another tag (a container
// from nginx:latest when nginx:1.26 is wanted; greeter:latest built when greeter:1.0 is wanted),
// or a repository name a letter or two off.
import { q } from '../describe.js';
import { closeName, spellingDifference } from './spelling.js';

export interface Reference {
  repository: string;
  tag: string;
}

/** "nginx" is nginx:latest; docker.io/library/nginx is nginx; a digest is no tag. */
export function splitReference(reference: string): Reference {
  const name = reference.split('@')[0]!.replace(/^docker\.io\//, '').replace(/^library\//, '');
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) return { repository: name.slice(0, colon), tag: name.slice(colon + 1) };
  return { repository: name, tag: 'latest' };
}

const full = (r: Reference): string => `${r.repository}:${r.tag}`;

/** The reference closest to `wanted`: same repository with another tag first, then a repository nearly named the same. */
export function closeReference(wanted: string, references: string[]): { reference: string; sameRepository: boolean } | undefined {
  const target = splitReference(wanted);
  const parsed = references.filter((r) => !r.startsWith('sha256:')).map((r) => ({ reference: r, ...splitReference(r) }));
  const otherTag = parsed.find((r) => r.repository === target.repository && r.tag !== target.tag);
  if (otherTag) return { reference: full(otherTag), sameRepository: true };
  const close = closeName(target.repository, new Set(parsed.map((r) => r.repository)));
  if (close === undefined) return undefined;
  const sameTag = parsed.find((r) => r.repository === close && r.tag === target.tag) ?? parsed.find((r) => r.repository === close)!;
  return { reference: full(sameTag), sameRepository: false };
}

/** For an image check: a tagged image close to the one wanted. */
export function imageNearMiss(wanted: string, tags: string[]): string | undefined {
  const close = closeReference(wanted, tags);
  if (!close) return undefined;
  const target = full(splitReference(wanted));
  if (close.sameRepository) {
    return `there is ${close.reference}, the same image name with another tag: docker tag ${close.reference} ${target} gives it the tag the step looks for (or build it with -t ${target})`;
  }
  const repository = splitReference(close.reference).repository;
  return `there is ${close.reference}, which is ${spellingDifference(splitReference(wanted).repository, repository)}: docker tag ${close.reference} ${target} gives it the name the step looks for`;
}

export interface ContainerOfImage {
  name: string;
  image: string;
  /** "running", "exited 2 minutes ago with code 0"... */
  status: string;
}

/** For a container check by image: a container from the same image with another tag. */
export function containerImageNearMiss(wanted: string, containers: ContainerOfImage[]): string | undefined {
  const close = closeReference(wanted, containers.map((c) => c.image));
  if (!close) return undefined;
  const container = containers.find((c) => full(splitReference(c.image)) === close.reference)!;
  const target = splitReference(wanted);
  const from = `container ${q(container.name)} (${container.status}) is from ${close.reference}`;
  if (close.sameRepository) return `${from}: the right image, but the step wants the tag ${target.tag} (${full(target)})`;
  return `${from}, which is ${spellingDifference(target.repository, splitReference(close.reference).repository)}`;
}
