import type { TFunction } from 'i18next';
import type { PersonEvent } from '../../api/api.types.ts';
import { accessActorLabel } from '../../shared/access-log-labels.ts';
import { hasRecordsKey, type RecordsT } from './records-i18n.ts';

/** A registry event type in words; a type this console does not know yet, in general words. */
export function eventTypeText(rt: RecordsT, type: string): string {
  const key = `eventType.${type}`;
  return hasRecordsKey(key) ? rt(key) : rt('eventType.other');
}

/**
 * Who recorded an event, in the access log's words (an officer by unit and code); the seeder
 * as the demo load. Actors are recorded as `kind:id` (packages/registry).
 */
export function actorText(
  t: TFunction,
  rt: RecordsT,
  event: Pick<PersonEvent, 'actor' | 'actorUnit' | 'actorUnitName'>,
): string {
  if (event.actor === 'system:seed') return rt('history.seedActor');
  const [kind = '', ...rest] = event.actor.split(':');
  return accessActorLabel(t, {
    kind,
    id: rest.join(':'),
    unit: event.actorUnit ?? null,
    unitName: event.actorUnitName ?? null,
    unitLevel: event.actorUnit === 'VN' ? 'country' : null,
  });
}
