// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto


export interface _speechkit_stt_v3_DescriptiveStatistics_Quantile {
  'level'?: (number | string);
  'value'?: (number | string);
}

export interface _speechkit_stt_v3_DescriptiveStatistics_Quantile__Output {
  'level': (number);
  'value': (number);
}

export interface DescriptiveStatistics {
  'min'?: (number | string);
  'max'?: (number | string);
  'mean'?: (number | string);
  'std'?: (number | string);
  'quantiles'?: (_speechkit_stt_v3_DescriptiveStatistics_Quantile)[];
}

export interface DescriptiveStatistics__Output {
  'min': (number);
  'max': (number);
  'mean': (number);
  'std': (number);
  'quantiles': (_speechkit_stt_v3_DescriptiveStatistics_Quantile__Output)[];
}
