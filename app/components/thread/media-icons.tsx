// Icons for media placeholders (drawn, so they look the same on every machine, emoji font or not).
import { Icon } from '../icons.tsx';

const size = 'h-4 w-4 shrink-0';

export const PictureIcon = () => (
  <Icon className={size}>
    <rect x="3.5" y="5" width="17" height="14" rx="2" />
    <circle cx="9" cy="10" r="1.5" />
    <path d="M20.5 16l-5-5-8 8" />
  </Icon>
);

export const VideoIcon = () => (
  <Icon className={size}>
    <rect x="3" y="6" width="13" height="12" rx="2" />
    <path d="M16 10.5l5-3v9l-5-3z" />
  </Icon>
);

export const MicrophoneIcon = () => (
  <Icon className={size}>
    <rect x="9" y="3" width="6" height="11" rx="3" />
    <path d="M5.5 11a6.5 6.5 0 0 0 13 0M12 17.5V21" />
  </Icon>
);

export const PaperclipIcon = () => (
  <Icon className={size}>
    <path d="M20 11.5l-7.8 7.8a5 5 0 0 1-7-7L13 4.5a3.3 3.3 0 0 1 4.7 4.7l-7.6 7.6a1.7 1.7 0 0 1-2.4-2.4l7-7" />
  </Icon>
);

export const TimerIcon = () => (
  <Icon className={size}>
    <circle cx="12" cy="13" r="8" />
    <path d="M12 9v4l2.5 2.5M9.5 2.5h5" />
  </Icon>
);

export const QuestionIcon = () => (
  <Icon className={size}>
    <circle cx="12" cy="12" r="9" />
    <path d="M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .9-1 1.6v.6M12 17h.01" />
  </Icon>
);
