export class Unauthenticated extends Error {
  readonly code = 'unauthenticated';
  constructor(message = 'Sign in to continue: send a session cookie or an `Authorization: Bearer` token.') {
    super(message);
  }
}
