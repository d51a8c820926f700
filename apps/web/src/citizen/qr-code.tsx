import { Box, Code, Stack, Text } from '@mantine/core';
import QRCode from 'qrcode';
import { useEffect, useRef } from 'react';

/**
 * A QR code drawn on a canvas, with its text beside it for screen readers and for pasting
 * (a phone without a camera can still use the text).
 */
export function QrCanvas({
  text,
  label,
  textLabel,
  testId,
  size = 240,
  showText = true,
}: {
  text: string;
  label: string;
  textLabel: string;
  testId?: string;
  size?: number;
  showText?: boolean;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current)
      void QRCode.toCanvas(ref.current, text, { width: size, margin: 2, errorCorrectionLevel: 'M' });
  }, [text, size]);
  return (
    <Stack gap="xs" align="center">
      <Box bg="white" p={4} style={{ lineHeight: 0 }}>
        <canvas ref={ref} role="img" aria-label={label} data-testid={testId} width={size} height={size} />
      </Box>
      {showText ? (
        <Stack gap={2} w="100%" maw={size + 80}>
          <Text size="xs" c="dimmed">
            {textLabel}
          </Text>
          <Code
            block
            style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}
            data-testid={testId && `${testId}-text`}
          >
            {text}
          </Code>
        </Stack>
      ) : null}
    </Stack>
  );
}
