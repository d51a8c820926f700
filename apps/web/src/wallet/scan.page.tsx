import { Alert, Button, Card, Stack, Text, Textarea } from '@mantine/core';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { identityPath } from '../api/api-client.ts';
import type { QrApproval } from '../api/identity.types.ts';
import { citizenApi } from '../citizen/citizen.api.ts';
import { DecisionButtons } from '../citizen/fields.tsx';
import { formatDateTime } from '../shared/format.ts';
import { PageTitle } from '../shared/page-title.tsx';
import { ProblemAlert } from '../shared/problem-alert.tsx';
import { deviceLabel } from './session-labels.ts';

const QR_PREFIX = 'dinhdanh-login:';

interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<DetectedBarcode[]>;
}
type BarcodeDetectorConstructor = new (options: { formats: string[] }) => BarcodeDetectorLike;

function barcodeDetector(): BarcodeDetectorConstructor | undefined {
  return (globalThis as { BarcodeDetector?: BarcodeDetectorConstructor }).BarcodeDetector;
}

type Outcome = 'approved' | 'denied';

/**
 * `/wallet/scan` — approve a login shown as a QR on another device. The camera is used when
 * the browser can read QR codes itself (BarcodeDetector); otherwise the QR's text is pasted.
 * The wallet shows what is asking before the citizen decides.
 */
export function ScanPage() {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [textError, setTextError] = useState<string | null>(null);
  const [request, setRequest] = useState<QrApproval | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState<null | 'read' | 'approve' | 'deny'>(null);
  const [scanning, setScanning] = useState(false);
  const canScan = Boolean(barcodeDetector()) && Boolean(navigator.mediaDevices?.getUserMedia);
  const decisionRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (request) decisionRef.current?.focus();
  }, [request]);

  const read = async (qrText: string) => {
    const value = qrText.trim();
    if (!value.startsWith(QR_PREFIX)) {
      setTextError(t('scan.notLoginQr'));
      return;
    }
    setTextError(null);
    setError(null);
    setOutcome(null);
    setPending('read');
    try {
      setRequest(await citizenApi.post<QrApproval>(identityPath('me', 'qr-approvals'), { qrText: value }));
      setText('');
    } catch (caught) {
      setError(caught);
    } finally {
      setPending(null);
    }
  };

  const decide = async (approve: boolean) => {
    if (!request) return;
    setError(null);
    setPending(approve ? 'approve' : 'deny');
    try {
      await citizenApi.post(identityPath('me', 'qr-approvals', request.qrLoginId), { approve });
      setOutcome(approve ? 'approved' : 'denied');
      setRequest(null);
    } catch (caught) {
      setError(caught);
    } finally {
      setPending(null);
    }
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void read(text);
  };

  return (
    <Stack gap="md">
      <PageTitle order={1} size="h2" documentTitle={t('wallet.nav.scan')}>
        {t('wallet.nav.scan')}
      </PageTitle>
      <Text size="sm">{t('scan.intro')}</Text>
      {error ? <ProblemAlert error={error} /> : null}
      <div role="status" aria-live="polite" data-testid="scan-outcome">
        {outcome ? (
          <Alert color={outcome === 'approved' ? 'green' : 'gray'} variant="light">
            {t(outcome === 'approved' ? 'scan.approved' : 'scan.denied')}
          </Alert>
        ) : null}
      </div>
      {request ? (
        <Card withBorder radius="md" padding="md" data-testid="scan-request">
          <div ref={decisionRef} tabIndex={-1} style={{ outline: 'none' }}>
            <Stack gap="xs">
              <Text fw={600}>{t('scan.asking')}</Text>
              {request.clientName ? (
                // The desktop page's own words (anyone can start a QR login): said as such.
                <Text size="sm" data-testid="scan-client-name">
                  {t('scan.serviceSaid')}: <strong>{request.clientName}</strong>
                </Text>
              ) : null}
              {request.purpose ? (
                <Text size="sm" data-testid="scan-purpose">
                  {t('scan.purpose')}: {request.purpose}
                </Text>
              ) : null}
              <Text size="sm" data-testid="scan-device">
                {t('scan.device')}: {deviceLabel(t, request)}
              </Text>
              {request.requestedAt ? (
                <Text size="sm" data-testid="scan-time">
                  {t('scan.time')}: {formatDateTime(request.requestedAt)}
                </Text>
              ) : null}
              {request.expiresAt ? (
                <Text size="xs" c="dimmed">
                  {t('scan.expires', { time: formatDateTime(request.expiresAt) })}
                </Text>
              ) : null}
              <Text size="sm" c="red.8">
                {t('scan.warning')}
              </Text>
              <DecisionButtons
                pending={pending}
                onDecide={(approve) => void decide(approve)}
                approveLabel={t('scan.approve')}
                denyLabel={t('scan.deny')}
                testIdPrefix="scan"
              />
            </Stack>
          </div>
        </Card>
      ) : (
        <>
          {canScan ? (
            scanning ? (
              <CameraScanner
                onText={(value) => {
                  setScanning(false);
                  void read(value);
                }}
                onClose={() => setScanning(false)}
              />
            ) : (
              <Button onClick={() => setScanning(true)} data-testid="scan-camera">
                {t('scan.useCamera')}
              </Button>
            )
          ) : (
            <Text size="sm" c="dimmed">
              {t('scan.noCamera')}
            </Text>
          )}
          <form onSubmit={submit} noValidate aria-label={t('scan.pasteTitle')}>
            <Stack gap="sm">
              <Textarea
                label={t('scan.pasteLabel')}
                description={t('scan.pasteHint')}
                value={text}
                onChange={(e) => setText(e.currentTarget.value)}
                error={textError}
                autosize
                minRows={2}
                autoComplete="off"
                spellCheck={false}
                data-testid="scan-text"
              />
              <Button type="submit" variant="outline" loading={pending === 'read'} data-testid="scan-submit">
                {t('scan.check')}
              </Button>
            </Stack>
          </form>
        </>
      )}
    </Stack>
  );
}

function CameraScanner({ onText, onClose }: { onText: (text: string) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const videoRef = useRef<HTMLVideoElement>(null);
  const [failed, setFailed] = useState(false);
  // The latest callback, without restarting the camera when the parent re-renders.
  const onTextRef = useRef(onText);
  onTextRef.current = onText;
  useEffect(() => {
    const Detector = barcodeDetector();
    if (!Detector) return;
    let stream: MediaStream | null = null;
    let timer = 0;
    let stopped = false;
    const detector = new Detector({ formats: ['qr_code'] });
    void (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: 'environment' },
          audio: false,
        });
        if (stopped || !videoRef.current) return;
        videoRef.current.srcObject = stream;
        await videoRef.current.play();
        const tick = async () => {
          if (stopped || !videoRef.current) return;
          const codes = await detector.detect(videoRef.current).catch(() => []);
          const found = codes.find((code) => code.rawValue.startsWith(QR_PREFIX));
          if (found) onTextRef.current(found.rawValue);
          else timer = window.setTimeout(() => void tick(), 300);
        };
        void tick();
      } catch {
        setFailed(true);
      }
    })();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
  }, []);
  return (
    <Stack gap="xs">
      {failed ? (
        <Text size="sm" c="red.8" role="alert">
          {t('capture.cameraUnavailable')}
        </Text>
      ) : (
        <video
          ref={videoRef}
          playsInline
          muted
          aria-label={t('scan.viewfinder')}
          style={{ width: '100%', maxWidth: 360, borderRadius: 8, background: '#000' }}
        />
      )}
      <Button variant="default" onClick={onClose}>
        {t('capture.closeCamera')}
      </Button>
    </Stack>
  );
}
