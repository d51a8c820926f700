import { Button, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { formatDateTime } from '../../shared/format.ts';
import { PageTitle } from '../../shared/page-title.tsx';
import { ProblemAlert } from '../../shared/problem-alert.tsx';
import { useAgencyNames, useDeadLetters, useRedeliver } from './exchange.queries.ts';
import { useExchangeTranslation } from './exchange-i18n.ts';
import { exchangeEventTypeLabel, formatCount } from './exchange-labels.ts';
import { ListState, Notice } from './list-state.tsx';

/**
 * `/officer/exchange/dead-letters` — change events an agency's receiver never accepted after
 * every retry. Redelivering puts one back in the outbox; the list holds no event content.
 */
export function DeadLettersPage() {
  const { t, language } = useExchangeTranslation();
  const letters = useDeadLetters();
  const names = useAgencyNames();
  const redeliver = useRedeliver();
  const [redelivered, setRedelivered] = useState(false);
  return (
    <Stack gap="md">
      <PageTitle order={1} size="h2" documentTitle={t('deadLetters.title')}>
        {t('deadLetters.title')}
      </PageTitle>
      <Text size="sm">{t('deadLetters.intro')}</Text>
      <Notice message={redelivered ? t('deadLetters.redelivered') : null} testId="dead-letters-notice" />
      {redeliver.error ? <ProblemAlert error={redeliver.error} /> : null}
      <ListState query={letters} empty={t('deadLetters.none')} emptyTestId="dead-letters-empty">
        {(list) => (
          <Table.ScrollContainer minWidth={860}>
            <Table
              aria-label={t('deadLetters.title')}
              striped
              verticalSpacing="xs"
              data-testid="dead-letters-table"
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('deadLetters.agency')}</Table.Th>
                  <Table.Th scope="col">{t('deadLetters.eventType')}</Table.Th>
                  <Table.Th scope="col" ta="right">
                    {t('deadLetters.attempts')}
                  </Table.Th>
                  <Table.Th scope="col">{t('deadLetters.lastError')}</Table.Th>
                  <Table.Th scope="col">{t('deadLetters.deadAt')}</Table.Th>
                  <Table.Th scope="col">{t('deadLetters.action')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((letter) => {
                  const agency = names.get(letter.agencyId) ?? letter.agencyId;
                  const eventType = exchangeEventTypeLabel(t, letter.eventType);
                  return (
                    <Table.Tr key={letter.deliveryId} data-testid="dead-letter-row">
                      <Table.Td>{agency}</Table.Td>
                      <Table.Td>{eventType}</Table.Td>
                      <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                        {formatCount(letter.attempts, language)}
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs" ff="monospace" style={{ wordBreak: 'break-word' }}>
                          {letter.lastError ?? t('none')}
                        </Text>
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <time dateTime={letter.deadAt}>{formatDateTime(letter.deadAt)}</time>
                      </Table.Td>
                      <Table.Td>
                        <Button
                          size="xs"
                          variant="outline"
                          loading={redeliver.isPending && redeliver.variables === letter.deliveryId}
                          aria-label={t('deadLetters.redeliverLabel', { eventType, agency })}
                          onClick={() =>
                            redeliver.mutate(letter.deliveryId, {
                              onSuccess: () => setRedelivered(true),
                            })
                          }
                          data-testid="dead-letter-redeliver"
                        >
                          {t('deadLetters.redeliver')}
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </ListState>
    </Stack>
  );
}
