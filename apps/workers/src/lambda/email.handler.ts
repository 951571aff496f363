import type { Handler } from 'aws-lambda';
import { lazyOnce } from './lambda-environment';
import type { EmailSenderEvent, EmailSenderResult } from './email-sender';

const sender = lazyOnce(async () => (await import('./email-sender')).createEmailSender({}));

/** emailSender: the digest run of the 5-minute interval the schedule fired for. */
export const handler: Handler<EmailSenderEvent, EmailSenderResult> = async (event) =>
  (await sender()).handle(event);
