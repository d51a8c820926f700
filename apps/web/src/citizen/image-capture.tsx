import { Button, FileInput, Group, Image, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** A captured image as the API takes it: base64 without the `data:` prefix, and a preview URL. */
export interface CapturedImage {
  base64: string;
  dataUrl: string;
}

export function dataUrlToImage(dataUrl: string): CapturedImage {
  return { base64: dataUrl.slice(dataUrl.indexOf(',') + 1), dataUrl };
}

function readFile(file: File): Promise<CapturedImage> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(dataUrlToImage(String(reader.result)));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

/**
 * A photo from the camera (getUserMedia, when the device has one and the citizen allows it)
 * or from a file (`capture` opens the camera app on phones). The stream stops as soon as the
 * photo is taken or the component unmounts. Nothing is stored in the browser.
 */
export function ImageCapture({
  value,
  onChange,
  facingMode = 'user',
  fileLabel,
  testId,
  error,
}: {
  value: CapturedImage | null;
  onChange: (image: CapturedImage | null) => void;
  facingMode?: 'user' | 'environment';
  fileLabel: string;
  testId: string;
  error?: string | undefined;
}) {
  const { t } = useTranslation();
  const videoRef = useRef<HTMLVideoElement>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [cameraError, setCameraError] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const canUseCamera = typeof navigator !== 'undefined' && Boolean(navigator.mediaDevices?.getUserMedia);

  useEffect(() => {
    if (videoRef.current && stream) videoRef.current.srcObject = stream;
    return () => {
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
  }, [stream]);

  const openCamera = async () => {
    setCameraError(false);
    try {
      setStream(await navigator.mediaDevices.getUserMedia({ video: { facingMode }, audio: false }));
    } catch {
      setCameraError(true);
    }
  };

  const takePhoto = () => {
    const video = videoRef.current;
    if (!video?.videoWidth) return;
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext('2d')?.drawImage(video, 0, 0);
    onChange(dataUrlToImage(canvas.toDataURL('image/jpeg', 0.9)));
    setStream(null);
  };

  return (
    <Stack gap="sm">
      {stream ? (
        <Stack gap="xs">
          <video
            ref={videoRef}
            autoPlay
            playsInline
            muted
            aria-label={t('capture.preview')}
            style={{ width: '100%', maxWidth: 360, borderRadius: 8, background: '#000' }}
          />
          <Group gap="sm">
            <Button onClick={takePhoto} data-testid={`${testId}-shoot`}>
              {t('capture.shoot')}
            </Button>
            <Button variant="default" onClick={() => setStream(null)}>
              {t('capture.closeCamera')}
            </Button>
          </Group>
        </Stack>
      ) : canUseCamera ? (
        <Button variant="outline" onClick={() => void openCamera()} data-testid={`${testId}-camera`}>
          {t('capture.openCamera')}
        </Button>
      ) : null}
      {cameraError ? (
        <Text size="sm" c="red.8" role="alert">
          {t('capture.cameraUnavailable')}
        </Text>
      ) : null}
      <FileInput
        label={fileLabel}
        description={t('capture.fileHint')}
        accept="image/*"
        value={file}
        clearable
        error={error}
        onChange={async (next) => {
          setFile(next);
          onChange(next ? await readFile(next) : null);
        }}
        // Phones open the camera for this input; desktops open a file chooser.
        {...{ capture: facingMode }}
        data-testid={`${testId}-file`}
      />
      {value ? (
        <Image
          src={value.dataUrl}
          alt={t('capture.previewAlt')}
          maw={200}
          radius="sm"
          data-testid={`${testId}-preview`}
        />
      ) : null}
    </Stack>
  );
}
