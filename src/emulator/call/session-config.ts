/** Recognition settings of a session after server-side defaults were applied. */
export interface SessionConfig {
  audioEncoding: 'LINEAR16_PCM' | 'OGG_OPUS';
  sampleRateHertz: number;
  languageCode: string;
  model: string;
  profanityFilter: boolean;
  partialResults: boolean;
  singleUtterance: boolean;
  rawResults: boolean;
  literatureText: boolean;
}
