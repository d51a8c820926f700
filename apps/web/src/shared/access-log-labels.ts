import type { TFunction } from 'i18next';
import type { AccessLogEntry, BilingualText } from '../api/api.types.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { vi } from '../i18n/vi.ts';

// How an access-log entry reads, for the citizen (wallet) and the supervisor (officer console):
// every action, actor and recorded text in the reader's language, never a code or an id alone.

type AccessActionKey = keyof typeof vi.accessAction;

/** Audit actions and their translation keys; dots in the codes rule them out as keys. */
const accessActions: Readonly<Record<string, AccessActionKey>> = {
  'registry.person.read': 'personRead',
  'registry.person.search_result': 'personSearchResult',
  'registry.person.relations_read': 'personRelationsRead',
  'registry.person.history_read': 'personHistoryRead',
  'registry.household.read': 'householdRead',
  'registry.birth_registered': 'birthRegistered',
  'registry.death_recorded': 'deathRecorded',
  'registry.marriage_registered': 'marriageRegistered',
  'registry.divorce_registered': 'divorceRegistered',
  'registry.field_corrected': 'fieldCorrected',
  'registry.widowed': 'widowed',
  'registry.child_linked': 'childLinked',
  'registry.guardianship_registered': 'guardianshipRegistered',
  'registry.parentage_registered': 'parentageRegistered',
  'registry.member_added': 'memberAdded',
  'registry.card_issued': 'cardIssued',
  'registry.card_revoked': 'cardRevoked',
  'registry.access_log.read': 'accessLogRead',
  'registry.person.list_result': 'personListResult',
  'registry.people.exported': 'peopleExported',
  'identity.account_created': 'accountCreated',
  'identity.dependent_account_created': 'dependentAccountCreated',
  'identity.foreigner_account_created': 'foreignerAccountCreated',
  'identity.organisation_account_created': 'organisationAccountCreated',
  'identity.account_locked': 'accountLocked',
  'identity.account_unlocked': 'accountUnlocked',
  'identity.failures_reset': 'failuresReset',
  'identity.account_looked_up': 'accountLookedUp',
  'identity.level2.card_checked': 'level2CardChecked',
  'identity.level2.fingerprint_checked': 'level2FingerprintChecked',
  'identity.level2.raised': 'level2Raised',
  'oidc.claims.released': 'claimsReleased',
  'card.verified': 'cardVerified',
  'card.qr_checked': 'cardQrChecked',
  'exchange.person.verified': 'personVerified',
  'exchange.person.looked_up': 'personLookedUp',
  'exchange.person.matched': 'personMatched',
  'exchange.event.disclosed': 'eventDisclosed',
  'exchange.consent.granted': 'consentGranted',
  'exchange.consent.withdrawn': 'consentWithdrawn',
  'exchange.document.pushed': 'documentsPushed',
  'exchange.document.read': 'documentsRead',
};

const actionGroups = ['registry', 'identity', 'oidc', 'card', 'exchange'] as const;

/** The action in words; an action added later reads as its package's kind of activity, never as a code. */
export function accessActionLabel(t: TFunction, action: string): string {
  const key = Object.hasOwn(accessActions, action) ? accessActions[action] : undefined;
  if (key) return t(`accessAction.${key}`);
  const group = actionGroups.find((prefix) => action.startsWith(`${prefix}.`)) ?? 'other';
  return t(`accessActionGroup.${group}`);
}

export function actorKindLabel(t: TFunction, kind: string): string {
  return Object.hasOwn(vi.actorKind, kind) ? t(`actorKind.${kind as keyof typeof vi.actorKind}`) : kind;
}

/**
 * Who acted, as a person reads it: "Bạn"; an officer by unit ("Cán bộ công an · Phường …, Thành
 * phố …", with the officer's code for accountability); an agency or service by its registered
 * name; the system as such.
 */
export function accessActorLabel(t: TFunction, actor: AccessLogEntry['actor']): string {
  if (actor.self) return t('accessActor.self');
  switch (actor.kind) {
    case 'officer': {
      const unit = actor.unitName ?? (actor.unitLevel === 'country' ? t('accessActor.nationalLevel') : null);
      return [t('accessActor.officer'), unit, t('accessActor.officerCode', { id: actor.id })]
        .filter(Boolean)
        .join(' · ');
    }
    case 'agency':
      return actor.name ? `${actor.name} (${t('accessActor.agency')})` : t('accessActor.agency');
    case 'relying_party':
      return actor.name ? `${actor.name} (${t('accessActor.relyingParty')})` : t('accessActor.relyingParty');
    case 'citizen':
      return actor.name ?? t('accessActor.citizen');
    case 'system':
      return actor.id.startsWith('cli:') ? t('accessActor.administrator') : t('accessActor.system');
    default:
      return actor.name ?? actorKindLabel(t, actor.kind);
  }
}

/** A recorded text in the reader's language; the raw text when the server sent no split. */
export function inLanguage(text: BilingualText | null | undefined, raw: string | null): string | null {
  return text ? text[currentLanguage()] : raw;
}
