import type { TFunction } from 'i18next';
import type { PersonEvent } from '../../api/api.types.ts';
import { hasRecordsKey, type RecordsT } from './records-i18n.ts';

/** A registry event type in words; a type this console does not know yet, in general words. */
export function eventTypeText(rt: RecordsT, type: string): string {
  const key = `eventType.${type}`;
  return hasRecordsKey(key) ? rt(key) : rt('eventType.other');
}

/**
 * Who recorded an event: an officer by code and unit name, the seeder as the demo load, other
 * systems, citizens and agencies by kind. Actors are recorded as `kind:id` (packages/registry).
 */
export function actorText(
  t: TFunction,
  rt: RecordsT,
  event: Pick<PersonEvent, 'actor' | 'actorUnit' | 'actorUnitName'>,
): string {
  const [kind = '', ...rest] = event.actor.split(':');
  const id = rest.join(':');
  if (event.actor === 'system:seed') return rt('history.seedActor');
  if (kind === 'officer') {
    const unit =
      event.actorUnit === 'VN' ? t('unitLevel.country') : (event.actorUnitName ?? event.actorUnit ?? null);
    return unit ? rt('history.officerOfUnit', { officer: id, unit }) : rt('history.officer', { officer: id });
  }
  if (kind === 'citizen') return t('actorKind.citizen');
  if (kind === 'agency') return t('actorKind.agency');
  return t('actorKind.system');
}
